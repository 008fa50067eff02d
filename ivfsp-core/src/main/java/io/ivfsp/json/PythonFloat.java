package io.ivfsp.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code repr} of a float, which {@code json.dumps} uses for every float: the shortest
 * decimal that reads back as the same double (the nearest such when several are as short),
 * written in fixed notation when its decimal exponent is from -4 to 15 ({@code 0.0001},
 * {@code 10000000000.0}) and in scientific notation otherwise ({@code 1e-05}, {@code 1e+16},
 * {@code 1.5e-323}), with at least two exponent digits and no {@code .0} on the mantissa.
 *
 * <p>Java 17's {@link Double#toString(double)} is not always shortest (JDK-4511638) and spells
 * exponents differently, so the digits are found here with exact decimal arithmetic.
 */
final class PythonFloat {

    /** Seventeen significant digits always identify a double. */
    private static final int MAX_DIGITS = 17;

    private PythonFloat() {
    }

    /**
     * @throws IllegalArgumentException if {@code d} is NaN or infinite
     */
    static String repr(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("cannot write " + d + " as JSON: RFC 8259 has no NaN or infinity"
                    + " (Python's json.dumps would write the non-standard token '" + pythonToken(d)
                    + "', which strict parsers such as ATC's reject)");
        }
        String sign = (Double.doubleToRawLongBits(d) < 0) ? "-" : "";
        if (d == 0) {
            return sign + "0.0";
        }
        BigDecimal shortest = shortest(Math.abs(d));
        String digits = shortest.unscaledValue().toString();
        // The value is 0.<digits> x 10^decimalPoint.
        int decimalPoint = digits.length() - shortest.scale();
        return sign + (decimalPoint <= -4 || decimalPoint > 16
                ? scientific(digits, decimalPoint - 1)
                : fixed(digits, decimalPoint));
    }

    private static String pythonToken(double d) {
        return Double.isNaN(d) ? "NaN" : d == Double.POSITIVE_INFINITY ? "Infinity" : "-Infinity";
    }

    /** The shortest decimal that rounds to {@code d} (positive, finite), trailing zeros stripped. */
    private static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        BigDecimal best = candidate(exact, d, MAX_DIGITS);
        if (best == null) {
            throw new AssertionError("no " + MAX_DIGITS + "-digit decimal reads back as " + d);
        }
        // If some p-digit decimal reads back, so does a (p+1)-digit one (append a zero): bisect.
        int lo = 1;
        int hi = MAX_DIGITS;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            BigDecimal c = candidate(exact, d, mid);
            if (c == null) {
                lo = mid + 1;
            } else {
                hi = mid;
                best = c;
            }
        }
        return best.stripTrailingZeros();
    }

    /** The {@code precision}-digit decimal nearest to {@code d} that reads back as d, or null if none does. */
    private static BigDecimal candidate(BigDecimal exact, double d, int precision) {
        BigDecimal nearest = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
        if (readsBackAs(nearest, d)) {
            return nearest;
        }
        // Just above a power of two the double's rounding interval is lopsided: the nearest
        // candidate may fall outside it while the one on the other side of d falls inside.
        RoundingMode other = nearest.compareTo(exact) > 0 ? RoundingMode.FLOOR : RoundingMode.CEILING;
        BigDecimal opposite = exact.round(new MathContext(precision, other));
        return readsBackAs(opposite, d) ? opposite : null;
    }

    private static boolean readsBackAs(BigDecimal candidate, double d) {
        return Double.parseDouble(candidate.toString()) == d;
    }

    private static String scientific(String digits, int exponent) {
        StringBuilder sb = new StringBuilder().append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        if (abs < 10) {
            sb.append('0');
        }
        return sb.append(abs).toString();
    }

    private static String fixed(String digits, int decimalPoint) {
        if (decimalPoint <= 0) {
            return "0." + "0".repeat(-decimalPoint) + digits;
        }
        if (decimalPoint >= digits.length()) {
            return digits + "0".repeat(decimalPoint - digits.length()) + ".0";
        }
        return digits.substring(0, decimalPoint) + "." + digits.substring(decimalPoint);
    }
}
