package dev.malt.server.servlet.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import org.apache.commons.codec.digest.Crypt;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.codec.digest.Md5Crypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * One password hash as Apache's {@code htpasswd} writes it, and the check of a password against it.
 * bcrypt ({@code htpasswd -B}) goes through {@code at.favre.lib:bcrypt}; Apache MD5 ({@code -m}, the
 * default), SHA-1 ({@code -s}) and crypt ({@code -d}, {@code -2}, {@code -5}: DES, SHA-256, SHA-512;
 * also MD5 {@code $1$}) through commons-codec. Plain-text entries ({@code -p}) are refused when the file
 * is read: a leaked file must not be a list of passwords.
 *
 * @param scheme  the format
 * @param encoded the hash exactly as the file has it
 */
record PasswordHash(Scheme scheme, String encoded) {

    /** The formats htpasswd writes. Weak ones still work; Malt says which users should be rehashed. */
    enum Scheme {
        BCRYPT("bcrypt", false),
        APR1("Apache MD5 ($apr1$)", true),
        SHA1("unsalted SHA-1 ({SHA})", true),
        MD5_CRYPT("MD5 crypt ($1$)", true),
        SHA256_CRYPT("SHA-256 crypt ($5$)", false),
        SHA512_CRYPT("SHA-512 crypt ($6$)", false),
        DES_CRYPT("DES crypt", true);

        private final String label;
        private final boolean weak;

        Scheme(String label, boolean weak) {
            this.label = label;
            this.weak = weak;
        }

        String label() {
            return label;
        }

        boolean isWeak() {
            return weak;
        }
    }

    private static final Pattern BCRYPT_FORMAT = Pattern.compile("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    private static final Pattern DES_FORMAT = Pattern.compile("[./A-Za-z0-9]{13}");
    private static final Pattern SHA1_FORMAT = Pattern.compile("\\{SHA}[A-Za-z0-9+/]{27}=");
    /** Apache's bcrypt reads at most 72 bytes of a password, as OpenBSD's does. */
    private static final BCrypt.Verifyer BCRYPT = BCrypt.verifyer(BCrypt.Version.VERSION_2Y,
            LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2Y));

    /**
     * Recognizes a hash.
     *
     * @throws IllegalArgumentException with the reason, for the operator, when it is not a hash Malt knows
     */
    static PasswordHash parse(String encoded) {
        Scheme scheme;
        if (encoded.startsWith("$2")) {
            if (!BCRYPT_FORMAT.matcher(encoded).matches()) {
                throw new IllegalArgumentException(AuthMessages.badBcrypt());
            }
            scheme = Scheme.BCRYPT;
        } else if (encoded.startsWith("$apr1$")) {
            scheme = Scheme.APR1;
        } else if (encoded.startsWith("{SHA}")) {
            if (!SHA1_FORMAT.matcher(encoded).matches()) {
                throw new IllegalArgumentException(AuthMessages.badSha1());
            }
            scheme = Scheme.SHA1;
        } else if (encoded.startsWith("$1$")) {
            scheme = Scheme.MD5_CRYPT;
        } else if (encoded.startsWith("$5$")) {
            scheme = Scheme.SHA256_CRYPT;
        } else if (encoded.startsWith("$6$")) {
            scheme = Scheme.SHA512_CRYPT;
        } else if (DES_FORMAT.matcher(encoded).matches()) {
            scheme = Scheme.DES_CRYPT;
        } else if (encoded.startsWith("$") || encoded.startsWith("{")) {
            throw new IllegalArgumentException(AuthMessages.unknownScheme(encoded));
        } else {
            throw new IllegalArgumentException(AuthMessages.plainText());
        }
        PasswordHash hash = new PasswordHash(scheme, encoded);
        if (scheme != Scheme.BCRYPT && scheme != Scheme.SHA1) {
            hash.checkSalt();
        }
        return hash;
    }

    /** Runs the hash once, so a malformed salt is reported when the file is read, not at the first login. */
    private void checkSalt() {
        try {
            matches(new byte[] {'x'});
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(AuthMessages.badSalt(scheme.label(), e.getMessage()), e);
        }
    }

    /** Whether {@code password} (UTF-8 bytes) is the one this hash was made from. */
    boolean matches(byte[] password) {
        return switch (scheme) {
            case BCRYPT -> BCRYPT.verify(password, encoded.getBytes(StandardCharsets.US_ASCII)).verified;
            case APR1 -> same(Md5Crypt.apr1Crypt(password, encoded));
            case SHA1 -> same("{SHA}" + Base64.getEncoder().encodeToString(DigestUtils.sha1(password)));
            case MD5_CRYPT, SHA256_CRYPT, SHA512_CRYPT, DES_CRYPT -> same(Crypt.crypt(password, encoded));
        };
    }

    private boolean same(String computed) {
        return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                encoded.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return scheme.label(); // never the hash itself: toString ends up in logs
    }
}
