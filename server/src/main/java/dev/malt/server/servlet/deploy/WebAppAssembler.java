package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;
import dev.malt.server.servlet.deploy.Descriptor.ServletDecl;
import dev.malt.server.servlet.deploy.Descriptor.ServletMappingDecl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Builds the model of an app from its unpacked root, in the spec's order: web.xml; the fragments of
 * WEB-INF/lib jars, ordered (8.2.2); the annotations of WEB-INF/classes and of each fragment's jar
 * (8.2.3); the merge; the {@code ServletContainerInitializer}s with their {@code @HandlesTypes} matches
 * (8.2.4). web.xml's {@code metadata-complete} (or a pre-2.5 web.xml) skips fragments and annotations but
 * not initializers. Also says which jars take part, for their {@code META-INF/resources}.
 */
final class WebAppAssembler {

    static final String WEB_XML = "WEB-INF/web.xml";
    static final String FRAGMENT_XML = "META-INF/web-fragment.xml";

    /**
     * @param model        the merged model
     * @param includedJars the WEB-INF/lib jars that take part, in fragment order (excluded ones left out)
     */
    record Result(WebAppModel model, List<Path> includedJars) {
    }

    private final Path root;
    private final String display;
    private final String separator;
    private final WebAppDeployer.Limits limits;

    /**
     * @param root    the WAR's root directory
     * @param display how the operator knows the app: the .war file or the directory
     * @param archive whether {@code display} is an archive, so inner paths read {@code shop.war!/WEB-INF/web.xml}
     */
    WebAppAssembler(Path root, String display, boolean archive, WebAppDeployer.Limits limits) {
        this.root = root;
        this.display = display;
        this.separator = archive ? "!/" : "/";
        this.limits = limits;
    }

    private String describe(String relative) {
        return display + separator + relative;
    }

    Result assemble() throws AppLoadException {
        String webXmlSource = describe(WEB_XML);
        byte[] webXml = ArchiveExtractor.readFile(root.resolve(WEB_XML), webXmlSource, limits.maxDescriptorBytes());
        Descriptor main = webXml == null ? new Descriptor(webXmlSource) : DescriptorParser.parseWebXml(webXml,
                webXmlSource);
        boolean metadataComplete = main.metadataComplete || main.majorVersion != null
                && (main.majorVersion < 2 || main.majorVersion == 2 && main.minorVersion < 5);
        Path classesDir = root.resolve("WEB-INF/classes");
        boolean hasClasses = Files.isDirectory(classesDir);
        List<Path> jars;
        try {
            jars = JarResources.jarsIn(root.resolve("WEB-INF/lib"));
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.sourceUnreadable(root.resolve("WEB-INF/lib"), e), e);
        }

        List<Fragment> fragments = new ArrayList<>();
        for (Path jar : jars) {
            String jarName = jar.getFileName().toString();
            Descriptor descriptor = null;
            if (!metadataComplete) {
                String jarDisplay = describe("WEB-INF/lib/" + jarName);
                byte[] content = ArchiveExtractor.readEntry(jar, jarDisplay, FRAGMENT_XML, limits.maxDescriptorBytes());
                if (content != null) {
                    descriptor = DescriptorParser.parseFragment(content, jarDisplay + "!/" + FRAGMENT_XML);
                }
            }
            fragments.add(new Fragment(jarName, jar, descriptor, descriptor == null ? null : descriptor.fragmentName));
        }
        FragmentOrdering.Result ordering = metadataComplete ? new FragmentOrdering.Result(fragments, false)
                : FragmentOrdering.order(fragments, main.absoluteOrdering);
        List<Fragment> included = ordering.fragments();

        Set<String> initializerClasses = new LinkedHashSet<>();
        InitializerServices.addNames(ArchiveExtractor.readFile(classesDir.resolve(InitializerServices.SERVICE_FILE),
                describe("WEB-INF/classes/" + InitializerServices.SERVICE_FILE), limits.maxDescriptorBytes()),
                initializerClasses);
        for (Fragment fragment : included) {
            InitializerServices.addNames(ArchiveExtractor.readEntry(fragment.jar(),
                    describe("WEB-INF/lib/" + fragment.jarName()), InitializerServices.SERVICE_FILE,
                    limits.maxDescriptorBytes()), initializerClasses);
        }

        boolean scanNeeded = (hasClasses || !jars.isEmpty()) && (!metadataComplete || !initializerClasses.isEmpty());
        List<InitializerModel> initializers = new ArrayList<>();
        Descriptor merged = main;
        try (ClassScan scan = scanNeeded ? ClassScan.scan(elements(hasClasses ? classesDir : null, jars), display)
                : null) {
            if (!metadataComplete) {
                if (hasClasses) {
                    DescriptorMerger.addAnnotations(main, WebAnnotations.read(scan, classesDir,
                            describe("WEB-INF/classes")));
                }
                DescriptorMerger merger = new DescriptorMerger(main);
                Set<Path> metadataCompleteJars = new HashSet<>();
                for (Fragment fragment : included) {
                    Descriptor descriptor = fragment.descriptor() != null ? fragment.descriptor()
                            : new Descriptor(describe("WEB-INF/lib/" + fragment.jarName()));
                    if (fragment.metadataComplete()) {
                        metadataCompleteJars.add(normalized(fragment.jar()));
                    } else if (scan != null) {
                        DescriptorMerger.addAnnotations(descriptor, WebAnnotations.read(scan, fragment.jar(),
                                describe("WEB-INF/lib/" + fragment.jarName())));
                    }
                    merger.addFragment(descriptor);
                }
                merged = merger.result();
                if (scan != null) {
                    completeServlets(merged, scan, metadataCompleteJars);
                }
            }
            Set<Path> includedElements = new HashSet<>();
            if (hasClasses) {
                includedElements.add(normalized(classesDir));
            }
            included.forEach(fragment -> includedElements.add(normalized(fragment.jar())));
            Predicate<Path> isIncluded = element -> element != null && includedElements.contains(element);
            for (String initializer : initializerClasses) {
                List<String> types = scan == null ? null : scan.handlesTypes(initializer);
                List<String> matches = types == null ? List.of() : scan.matching(types, isIncluded);
                initializers.add(new InitializerModel(initializer, matches.isEmpty() ? null : matches));
            }
        }

        List<String> orderedLibs = null;
        if (ordering.ordered()) {
            orderedLibs = new ArrayList<>();
            for (Fragment fragment : included) {
                orderedLibs.add(fragment.jarName());
            }
        }
        WebAppModel model = ModelBuilder.build(merged, metadataComplete, initializers, orderedLibs);
        List<Path> includedJars = new ArrayList<>();
        included.forEach(fragment -> includedJars.add(fragment.jar()));
        return new Result(model, includedJars);
    }

    /**
     * The annotations that complete a servlet wherever it was declared, found on its class:
     * {@code @MultipartConfig}, {@code @RunAs}, {@code @DeclareRoles} and {@code @ServletSecurity} (the
     * latter for the servlet's patterns that no descriptor's security-constraint names exactly, 13.4.1).
     * Classes from a metadata-complete fragment's jar are left alone.
     */
    private static void completeServlets(Descriptor merged, ClassScan scan, Set<Path> metadataCompleteJars) {
        Set<String> constrainedPatterns = new HashSet<>();
        for (SecurityConstraintModel constraint : merged.securityConstraints) {
            for (SecurityConstraintModel.WebResourceCollection collection : constraint.collections()) {
                constrainedPatterns.addAll(collection.urlPatterns());
            }
        }
        List<SecurityConstraintModel> added = new ArrayList<>();
        for (ServletDecl servlet : merged.servlets.values()) {
            if (servlet.className == null) {
                continue;
            }
            var info = scan.appClass(servlet.className);
            if (info == null || metadataCompleteJars.contains(ClassScan.elementOf(info))) {
                continue;
            }
            if (servlet.multipartConfig == null) {
                servlet.multipartConfig = WebAnnotations.multipartConfig(scan, servlet.className);
            }
            if (servlet.runAs == null) {
                servlet.runAs = WebAnnotations.runAs(scan, servlet.className);
            }
            for (String role : WebAnnotations.declaredRoles(scan, servlet.className)) {
                if (!merged.securityRoles.contains(role)) {
                    merged.securityRoles.add(role);
                }
            }
            List<String> patterns = new ArrayList<>();
            for (ServletMappingDecl mapping : merged.servletMappings) {
                if (mapping.servletName().equals(servlet.name)) {
                    for (String pattern : mapping.urlPatterns()) {
                        if (!constrainedPatterns.contains(pattern) && !patterns.contains(pattern)) {
                            patterns.add(pattern);
                        }
                    }
                }
            }
            added.addAll(WebAnnotations.servletSecurity(scan, servlet.className, patterns));
        }
        merged.securityConstraints.addAll(added);
    }

    private static List<Path> elements(Path classesDir, List<Path> jars) {
        List<Path> elements = new ArrayList<>();
        if (classesDir != null) {
            elements.add(classesDir);
        }
        elements.addAll(jars);
        return elements;
    }

    private static Path normalized(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
