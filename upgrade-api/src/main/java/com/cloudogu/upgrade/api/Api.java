package com.cloudogu.upgrade.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How far a public type or member of dogu-upgrade may be relied on, after JUnit's {@code @API}.
 *
 * <p>A local annotation rather than {@code org.apiguardian:apiguardian-api}: a plugin compiles
 * against {@code upgrade-api} alone, and an annotation whose class is missing from the compile class
 * path makes javac warn about unknown enum constants, which fails builds that use {@code -Werror}.
 * Retention is {@code CLASS}: tools (and the architecture tests) read it from the class files; nothing
 * reads it at run time.
 *
 * <p>Compatibility policy for {@link Status#STABLE} types, from 1.0 on and kept as far as possible
 * before: methods are added to interfaces that third parties implement only as {@code default}
 * methods; {@link ErrorCode} may gain constants in a minor release, so a {@code switch} over it needs
 * a {@code default} branch; nothing is removed without a release in which it is
 * {@link Status#DEPRECATED}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
@Api(status = Api.Status.STABLE, since = "0.2")
public @interface Api {

    /** @return how far the element may be relied on */
    Status status();

    /** @return the release in which the element got its current status, e.g. {@code 0.2} */
    String since();

    /**
     * @return for {@link Status#INTERNAL}: the packages allowed to use the element anyway, e.g. the
     *     testkit driving the engine's real migration runner
     */
    String[] consumers() default {};

    /** Stability levels. */
    enum Status {
        /** Kept compatible, as the policy on {@link Api} says. */
        STABLE,
        /** Usable, but may change in a minor release after feedback. */
        EXPERIMENTAL,
        /** Going away; the Javadoc says what replaces it. */
        DEPRECATED,
        /** Not for use outside dogu-upgrade, even though it is public. */
        INTERNAL
    }
}
