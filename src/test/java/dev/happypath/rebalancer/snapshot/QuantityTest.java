package dev.happypath.rebalancer.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuantityTest {

    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource({
            "512Mi, 536870912",
            "1Gi, 1073741824",
            "1.5Gi, 1610612736",
            "4091904Ki, 4190109696",
            "1G, 1000000000",
            "128M, 128000000",
            "1e3, 1000",
            "1E3, 1000",
            "100, 100",
            "0.5, 1",
            "0, 0",
            "1k, 1000",
            "2Ti, 2199023255552",
    })
    void memory(String text, long bytes) {
        assertThat(Quantity.units(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0} is {1} millicores")
    @CsvSource({
            "250m, 250",
            "2, 2000",
            "0.1, 100",
            "1.5, 1500",
            "0.1m, 1",
            "100u, 1",
            "500n, 1",
            "4, 4000",
    })
    void cpu(String text, long milli) {
        assertThat(Quantity.milli(text)).isEqualTo(milli);
    }

    @ParameterizedTest(name = "''{0}'' is refused: {1}")
    @CsvSource(delimiter = '|', value = {
            "12Q | invalid quantity '12Q'",
            "abc | invalid quantity 'abc'",
            "-1Gi | negative quantity '-1Gi'",
            "1Gii | invalid quantity",
            "99999999999999999999Ei | too large",
            "1e99 | out of range",
            "'' | empty quantity",
    })
    void refused(String text, String message) {
        assertThatThrownBy(() -> Quantity.units(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    /**
     * The whole-digits fast path must read every text as the general path (regex and BigDecimal) does, or hand
     * it over: every suffix, rounding up of n/u/m, the edges of a long, and forms it must leave alone.
     */
    @Test
    void theFastPathReadsAsTheGeneralOne() {
        List<String> numbers = List.of("0", "1", "7", "10", "250", "999", "1000", "1001", "4091904", "123456789",
                "000100", "9223372036854775807", "922337203685477580", "999999999999999999", "9999999999999999999",
                "1.5", "0.1", ".5", "5.", "+1", "-0", "1e3", "1E-3", " 1", "1 ", "");
        List<String> suffixes = List.of("", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
                "K", "Ki ", "mi", "i", "Q", "KiB", "e3", "E3", "Mii");
        int compared = 0;
        for (String number : numbers) {
            for (String suffix : suffixes) {
                String text = number + suffix;
                compared++;
                assertThat(outcome(() -> Quantity.units(text))).as("units of '%s'", text)
                        .isEqualTo(outcome(() -> Quantity.generalUnits(text)));
                assertThat(outcome(() -> Quantity.milli(text))).as("milli of '%s'", text)
                        .isEqualTo(outcome(() -> Quantity.generalMilli(text)));
            }
        }
        assertThat(compared).isEqualTo(numbers.size() * suffixes.size());
    }

    private static String outcome(java.util.function.LongSupplier read) {
        try {
            return Long.toString(read.getAsLong());
        } catch (IllegalArgumentException | ArithmeticException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    @ParameterizedTest(name = "{0} bytes print as {1}")
    @CsvSource({"536870912, 512Mi", "4190109696, 3.9Gi", "1073741824, 1Gi", "1000, 1000", "2048, 2Ki"})
    void printsBytes(long bytes, String text) {
        assertThat(Quantity.bytes(bytes)).isEqualTo(text);
    }
}
