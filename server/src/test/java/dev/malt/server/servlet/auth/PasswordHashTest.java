package dev.malt.server.servlet.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import org.apache.commons.codec.digest.Crypt;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.UnixCrypt;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every format htpasswd writes: made with the libraries here, and as Apache's own htpasswd 2.4 wrote them. */
class PasswordHashTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertChecks(String encoded, PasswordHash.Scheme scheme, String password) {
        PasswordHash hash = PasswordHash.parse(encoded);
        assertEquals(scheme, hash.scheme());
        assertTrue(hash.matches(utf8(password)), scheme + " accepts its password");
        assertFalse(hash.matches(utf8("x" + password)), scheme + " refuses another");
        assertFalse(hash.matches(utf8("")), scheme + " refuses an empty password");
    }

    @Test
    void hashesMadeWithTheLibrariesCheck() {
        String password = "correct horse ü";
        assertChecks(BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, password.toCharArray()),
                PasswordHash.Scheme.BCRYPT, password);
        assertChecks(BCrypt.with(BCrypt.Version.VERSION_2B).hashToString(4, password.toCharArray()),
                PasswordHash.Scheme.BCRYPT, password);
        assertChecks(BCrypt.with(BCrypt.Version.VERSION_2A).hashToString(4, password.toCharArray()),
                PasswordHash.Scheme.BCRYPT, password);
        assertChecks(Md5Crypt.apr1Crypt(utf8(password)), PasswordHash.Scheme.APR1, password);
        assertChecks("{SHA}" + Base64.getEncoder().encodeToString(DigestUtils.sha1(utf8(password))),
                PasswordHash.Scheme.SHA1, password);
        assertChecks(Md5Crypt.md5Crypt(utf8(password)), PasswordHash.Scheme.MD5_CRYPT, password);
        assertChecks(Crypt.crypt(utf8(password), "$5$saltsalt"), PasswordHash.Scheme.SHA256_CRYPT, password);
        assertChecks(Crypt.crypt(utf8(password), "$6$saltsalt"), PasswordHash.Scheme.SHA512_CRYPT, password);
        assertChecks(UnixCrypt.crypt(utf8("dave1234"), "n."), PasswordHash.Scheme.DES_CRYPT, "dave1234");
    }

    /** Why DES crypt is called weak: it reads 8 characters, in Apache as here. */
    @Test
    void desCryptReadsEightCharacters() {
        PasswordHash hash = PasswordHash.parse("n.B8853r9ORlE");
        assertTrue(hash.scheme().isWeak());
        assertTrue(hash.matches(utf8("dave1234 and more")));
        assertFalse(PasswordHash.parse(BCrypt.withDefaults().hashToString(4, "pw".toCharArray())).scheme().isWeak());
    }

    /** Lines written by Apache's htpasswd 2.4 (-B -C 5, -m, -s, -d, -5, -2), pasted verbatim. */
    @Test
    void hashesWrittenByApacheHtpasswdCheck() {
        assertChecks("$2y$05$cJvf9.2lz3bA6SeA4l4kVOAyNubJEEl1zWQugXSls/i9PMOHUwt9i",
                PasswordHash.Scheme.BCRYPT, "wonder land");
        assertChecks("$apr1$goRuyTdc$X8uuWErhdbIlBSVM7YsMc/", PasswordHash.Scheme.APR1, "bob-secret");
        assertChecks("{SHA}FIOVHSnLL3QkTpKtwhYrQVvufT8=", PasswordHash.Scheme.SHA1, "c4rol");
        assertChecks("n.B8853r9ORlE", PasswordHash.Scheme.DES_CRYPT, "dave1234");
        assertChecks("$6$RcooLO1QbG/50Njl$uWrpgxxBV7duUTK7nuvf8KnCiOCid5EWS771lestWpyiDBh5fE/3stQ/BrWKsu9pYIvCq55aWDzCM"
                + "apNNHP.E.", PasswordHash.Scheme.SHA512_CRYPT, "érin-ü");
        assertChecks("$5$d1WICidleZ453jjE$NQ0GExyZZQVwWLLZjnomNBNUS3jeRQF/8Nki.QCjWn7",
                PasswordHash.Scheme.SHA256_CRYPT, "frank");
    }

    /** As with Apache: bcrypt reads 72 bytes of a password (htpasswd -B hashed 100 and 72 x's alike). */
    @Test
    void bcryptReadsSeventyTwoBytesAsApacheDoes() {
        PasswordHash hundred = PasswordHash.parse("$2y$04$I2.XoLrMjf2fQqAa8WurEOTzIorh2rHHcP4h8.scUiW18jdeMvklC");
        assertTrue(hundred.matches(utf8("x".repeat(100))));
        assertTrue(hundred.matches(utf8("x".repeat(72))));
        assertFalse(hundred.matches(utf8("x".repeat(71))));
    }

    @Test
    void plainTextAndUnknownFormatsAreRefusedWithTheWayOut() {
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("secret"));
        assertTrue(plain.getMessage().contains("plain-text"), plain.getMessage());
        assertTrue(plain.getMessage().contains("htpasswd -B"), plain.getMessage());
        IllegalArgumentException argon = assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"));
        assertTrue(argon.getMessage().startsWith("'$argon2id$' is not a password hash format"), argon.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("{SSHA}abc"))
                .getMessage().startsWith("'{SSHA}' is not"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("$2y$05$cJvf9.2lz3bA6SeA4l4kV")).getMessage().contains("damaged"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("{SHA}short="))
                .getMessage().contains("damaged"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("$apr1$"))
                .getMessage().contains("damaged"));
    }

    @Test
    void theHashNeverShowsInToString() {
        String encoded = Md5Crypt.apr1Crypt(utf8("pw"));
        assertFalse(PasswordHash.parse(encoded).toString().contains(encoded));
    }
}
