package dev.happypath.rebalancer.snapshot;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ("250m", "1.5Gi", "1e3") as exact integers.
 *
 * <p>Like the API server, values are rounded up: a request of "0.1m" CPU still occupies one millicore.
 */
public final class Quantity {

    private static final Pattern FORM = Pattern.compile(
            "^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+|n|u|m|k|M|G|T|P|E)?$");

    private Quantity() {
    }

    /** CPU-like quantity in thousandths ("250m" is 250, "2" is 2000). */
    public static long milli(String text) {
        long fast = wholeTimes(text, 1000);
        return fast >= 0 ? fast : generalMilli(text);
    }

    /** Memory-like quantity in whole units, bytes for memory ("1Gi" is 1073741824). */
    public static long units(String text) {
        long fast = wholeTimes(text, 1);
        return fast >= 0 ? fast : generalUnits(text);
    }

    static long generalMilli(String text) {
        return toLong(parse(text).movePointRight(3), text);
    }

    static long generalUnits(String text) {
        return toLong(parse(text), text);
    }

    /**
     * The common form, whole digits and an optional suffix ("250m", "512Mi", "2"), read without a regex or a
     * BigDecimal: they were a fifth of converting a large cluster's pods. Multiplied by {@code scale} and
     * rounded up as {@link #parse} is; -1 for anything else (a sign, a fraction, an exponent, spaces, an
     * overflow), which the general path reads or refuses with its own words.
     */
    private static long wholeTimes(String text, long scale) {
        if (text == null) {
            return -1;
        }
        int n = text.length();
        int digits = 0;
        long value = 0;
        while (digits < n && digits < 18) {
            char c = text.charAt(digits);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            digits++;
        }
        if (digits == 0 || (digits < n && text.charAt(digits) >= '0' && text.charAt(digits) <= '9')) {
            return -1;
        }
        try {
            value = Math.multiplyExact(value, scale);
            return switch (n - digits) {
                case 0 -> value;
                case 1 -> switch (text.charAt(digits)) {
                    case 'n' -> ceilDiv(value, 1_000_000_000L);
                    case 'u' -> ceilDiv(value, 1_000_000L);
                    case 'm' -> ceilDiv(value, 1_000L);
                    case 'k' -> Math.multiplyExact(value, 1_000L);
                    case 'M' -> Math.multiplyExact(value, 1_000_000L);
                    case 'G' -> Math.multiplyExact(value, 1_000_000_000L);
                    case 'T' -> Math.multiplyExact(value, 1_000_000_000_000L);
                    case 'P' -> Math.multiplyExact(value, 1_000_000_000_000_000L);
                    case 'E' -> Math.multiplyExact(value, 1_000_000_000_000_000_000L);
                    default -> -1;
                };
                case 2 -> text.charAt(digits + 1) != 'i' ? -1 : switch (text.charAt(digits)) {
                    case 'K' -> Math.multiplyExact(value, 1L << 10);
                    case 'M' -> Math.multiplyExact(value, 1L << 20);
                    case 'G' -> Math.multiplyExact(value, 1L << 30);
                    case 'T' -> Math.multiplyExact(value, 1L << 40);
                    case 'P' -> Math.multiplyExact(value, 1L << 50);
                    case 'E' -> Math.multiplyExact(value, 1L << 60);
                    default -> -1;
                };
                default -> -1;
            };
        } catch (ArithmeticException overflow) {
            return -1;
        }
    }

    private static long ceilDiv(long value, long by) {
        return value / by + (value % by == 0 ? 0 : 1);
    }

    private static long toLong(BigDecimal value, String text) {
        BigDecimal rounded = value.setScale(0, RoundingMode.CEILING);
        if (rounded.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("quantity '" + text + "' is too large");
        }
        return rounded.longValueExact();
    }

    static BigDecimal parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty quantity");
        }
        if (text.length() > 64) {
            throw new IllegalArgumentException("quantity '" + text.substring(0, 20) + "...' is too long");
        }
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid quantity '" + text + "' (expected a number with an optional suffix such as 250m, 512Mi, 1Gi, 2)");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        if (number.signum() < 0) {
            throw new IllegalArgumentException("negative quantity '" + text + "'");
        }
        String suffix = m.group(2);
        if (suffix == null) {
            return number;
        }
        return switch (suffix) {
            case "Ki" -> number.multiply(BigDecimal.valueOf(1L << 10));
            case "Mi" -> number.multiply(BigDecimal.valueOf(1L << 20));
            case "Gi" -> number.multiply(BigDecimal.valueOf(1L << 30));
            case "Ti" -> number.multiply(BigDecimal.valueOf(1L << 40));
            case "Pi" -> number.multiply(BigDecimal.valueOf(1L << 50));
            case "Ei" -> number.multiply(BigDecimal.valueOf(1L << 60));
            case "n" -> number.movePointLeft(9);
            case "u" -> number.movePointLeft(6);
            case "m" -> number.movePointLeft(3);
            case "k" -> number.movePointRight(3);
            case "M" -> number.movePointRight(6);
            case "G" -> number.movePointRight(9);
            case "T" -> number.movePointRight(12);
            case "P" -> number.movePointRight(15);
            case "E" -> number.movePointRight(18);
            default -> exponent(number, suffix, text);
        };
    }

    private static BigDecimal exponent(BigDecimal number, String suffix, String text) {
        int exp;
        try {
            exp = Integer.parseInt(suffix.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid exponent in quantity '" + text + "'");
        }
        if (Math.abs(exp) > 30) {
            throw new IllegalArgumentException("quantity '" + text + "' is out of range");
        }
        return number.movePointRight(exp);
    }

    /** Human form of a byte count: "512Mi", "3.8Gi". */
    public static String bytes(long value) {
        if (value >= (1L << 30)) {
            return trim(value / (double) (1L << 30)) + "Gi";
        }
        if (value >= (1L << 20)) {
            return trim(value / (double) (1L << 20)) + "Mi";
        }
        if (value >= (1L << 10)) {
            return trim(value / (double) (1L << 10)) + "Ki";
        }
        return Long.toString(value);
    }

    /** Human form of an amount of a resource other than CPU: bytes for storage and hugepages, else a count. */
    public static String amount(String resource, long value) {
        return resource.equals("memory") || resource.equals("ephemeral-storage") || resource.startsWith("hugepages-")
                ? bytes(value) : Long.toString(value);
    }

    /** Human form of millicores: "250m", "2". */
    public static String cpu(long milli) {
        return milli % 1000 == 0 ? Long.toString(milli / 1000) : milli + "m";
    }

    private static String trim(double v) {
        String s = String.format(java.util.Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
