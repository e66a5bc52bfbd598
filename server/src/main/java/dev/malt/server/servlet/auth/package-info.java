/**
 * An app's users and roles, from the files Apache and nginx operators keep: {@code auth-user-file}
 * (htpasswd) and {@code auth-group-file} (AuthGroupFile, one role per group).
 *
 * <p>Entry point: {@link dev.malt.server.servlet.auth.UserRealm}, opened by the worker's servlet host from
 * {@link dev.malt.server.servlet.auth.UserFiles}; {@link dev.malt.server.servlet.auth.RealmFileException}
 * names the file and line of what cannot be used. Inside: {@code TextLines} reads a file, {@code HtpasswdFile}
 * and {@code GroupFile} parse it, {@code PasswordHash} checks a password against one hash (bcrypt through
 * at.favre.lib:bcrypt, the rest through commons-codec), {@code VerifiedPasswords} remembers recent successes.
 * The login mechanisms and constraints that use the realm are in {@code servlet.core} ({@code Security}).
 */
package dev.malt.server.servlet.auth;
