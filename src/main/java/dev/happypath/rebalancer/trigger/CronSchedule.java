package dev.happypath.rebalancer.trigger;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.RuntimeFailure;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import java.util.TimeZone;
import java.util.UUID;

/**
 * The daemon's timetable: a Quartz cron trigger (in memory, one thread, UTC like a CronJob without
 * {@code timeZone}). Accepts the five fields of a Kubernetes CronJob ({@code *}{@code /5 * * * *}) or
 * Quartz's six or seven, which start with seconds ({@code 0 0/5 * * * ?}).
 */
public final class CronSchedule implements AutoCloseable {

    private static final String FIRE = "fire";

    private final Scheduler scheduler;
    private final Trigger trigger;

    private CronSchedule(Scheduler scheduler, Trigger trigger) {
        this.scheduler = scheduler;
        this.trigger = trigger;
    }

    /** The Quartz expression for {@code text}; invalid input names the option and what was expected. */
    public static CronExpression parse(String text) {
        String quartz = toQuartz(text == null ? "" : text.strip());
        try {
            CronExpression expression = new CronExpression(quartz);
            expression.setTimeZone(TimeZone.getTimeZone("UTC"));
            if (expression.getNextValidTimeAfter(new Date()) == null) {
                throw InvalidInputException.at(null, "--schedule", "'" + text + "' never fires");
            }
            return expression;
        } catch (ParseException e) {
            throw InvalidInputException.at(null, "--schedule", "not a cron expression: '" + text + "': " + e.getMessage()
                    + " (examples: '*/5 * * * *', Quartz '0 0/5 * * * ?')");
        }
    }

    static String toQuartz(String text) {
        String[] f = text.split("\\s+");
        if (f.length == 6 || f.length == 7) {
            return text;
        }
        if (f.length != 5) {
            throw InvalidInputException.at(null, "--schedule", "expected 5 fields (minute hour day-of-month month day-of-week) "
                    + "or Quartz's 6 or 7 (starting with seconds), got " + f.length + " in '" + text + "'");
        }
        String dom = f[2];
        String dow = f[4];
        // Quartz wants '?' in one of the two day fields; Unix cron ORs them when both are restricted.
        if (isAny(dow)) {
            dow = "?";
        } else if (isAny(dom)) {
            dom = "?";
            if (dow.matches(".*\\d.*")) {
                // Unix counts Sunday as 0, Quartz as 1: names are unambiguous in both.
                throw InvalidInputException.at(null, "--schedule", "write days of the week as names (MON-FRI) in '" + text
                        + "': Unix cron counts Sunday as 0, Quartz as 1");
            }
        } else {
            throw InvalidInputException.at(null, "--schedule", "'" + text + "' restricts both day-of-month and day-of-week: "
                    + "not supported, restrict one");
        }
        return "0 " + f[0] + " " + f[1] + " " + dom + " " + f[3] + " " + dow;
    }

    private static boolean isAny(String field) {
        return field.equals("*") || field.equals("?");
    }

    /** Starts firing {@code fire} (on Quartz's one thread: it must hand over and return). */
    public static CronSchedule start(CronExpression expression, Runnable fire) {
        Properties p = new Properties();
        // a unique name: Quartz keeps schedulers in a JVM-wide repository by name
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "happypath-" + UUID.randomUUID());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        try {
            Scheduler scheduler = new StdSchedulerFactory(p).getScheduler();
            JobDataMap data = new JobDataMap();
            data.put(FIRE, fire);
            var job = JobBuilder.newJob(Fire.class).withIdentity("pass").usingJobData(data).build();
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity("schedule")
                    .withSchedule(CronScheduleBuilder.cronSchedule(expression).withMisfireHandlingInstructionDoNothing())
                    .build();
            scheduler.scheduleJob(job, trigger);
            scheduler.start();
            return new CronSchedule(scheduler, trigger);
        } catch (SchedulerException e) {
            throw new RuntimeFailure("cannot start the schedule: " + e.getMessage(), e);
        }
    }

    /** When the schedule fires next, or null. */
    public Instant nextFire() {
        Date next = trigger.getNextFireTime();
        try {
            Trigger current = scheduler.getTrigger(trigger.getKey());
            next = current == null ? next : current.getNextFireTime();
        } catch (SchedulerException e) {
            // the scheduler is shutting down: no next fire
            return null;
        }
        return next == null ? null : next.toInstant();
    }

    @Override
    public void close() {
        try {
            scheduler.shutdown(false);
        } catch (SchedulerException e) {
            // shutting down anyway
        }
    }

    /** Quartz's job: hands the tick over to the daemon. */
    @DisallowConcurrentExecution
    public static final class Fire implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            ((Runnable) context.getMergedJobDataMap().get(FIRE)).run();
        }
    }
}
