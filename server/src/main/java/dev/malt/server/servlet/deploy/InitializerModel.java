package dev.malt.server.servlet.deploy;

import java.util.List;

/**
 * A {@code ServletContainerInitializer} to run at startup, with the classes its {@code @HandlesTypes}
 * selects (found by scanning the app's classes and jars).
 *
 * @param className    the initializer's class
 * @param handledTypes names of the app classes that extend, implement or are annotated with a
 *                     {@code @HandlesTypes} entry, sorted; {@code null} when the initializer has no
 *                     {@code @HandlesTypes} or nothing in the app matches (it then gets {@code null}, as
 *                     the spec says)
 */
public record InitializerModel(String className, List<String> handledTypes) {

    public InitializerModel {
        handledTypes = handledTypes == null ? null : List.copyOf(handledTypes);
    }
}
