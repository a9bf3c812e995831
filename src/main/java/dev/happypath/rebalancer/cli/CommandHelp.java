package dev.happypath.rebalancer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The top-level help's list of commands: picocli shows each command's first description line, which cut
 * sentences in half ("the smallest change"). Each command is summed up by its description's first whole
 * sentence instead, wrapped to the help's width.
 */
final class CommandHelp {

    private CommandHelp() {
    }

    static void listWholeSentences(CommandLine root) {
        root.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> {
            Map<String, CommandLine.Help> commands = help.subcommands();
            if (commands.isEmpty()) {
                return "";
            }
            int nameWidth = commands.keySet().stream().mapToInt(String::length).max().orElse(0);
            int width = help.commandSpec().usageMessage().width();
            String indent = " ".repeat(2 + nameWidth + 2);
            StringBuilder b = new StringBuilder();
            commands.forEach((name, sub) -> {
                String first = "  " + name + " ".repeat(nameWidth - name.length() + 2);
                UsageMessageSpec usage = sub.commandSpec().usageMessage();
                // a header is a command's own summary (picocli's help has one); else the description's first sentence
                String[] summary = usage.header().length > 0 ? usage.header() : usage.description();
                b.append(wrap(firstSentence(summary), width, first, indent + "  "));
            });
            return b.toString();
        });
    }

    /** The description's lines joined up to the end of its first sentence (a '.' ending a word). */
    static String firstSentence(String[] description) {
        String text = String.join(" ", description).replace("%n", " ").strip();
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }

    private static String wrap(String text, int width, String first, String next) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(first);
        boolean empty = true;
        for (String word : text.split(" +")) {
            if (!empty && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(next);
                empty = true;
            }
            line.append(empty ? "" : " ").append(word);
            empty = false;
        }
        lines.add(line.toString());
        return String.join("\n", lines) + "\n";
    }
}
