package dev.malt.server.servlet.internal;

import dev.malt.server.servlet.deploy.JspConfigModel;
import jakarta.servlet.descriptor.JspConfigDescriptor;
import jakarta.servlet.descriptor.JspPropertyGroupDescriptor;
import jakarta.servlet.descriptor.TaglibDescriptor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** web.xml's {@code jsp-config} as the Servlet API describes it; Jasper reads it from here. */
final class MaltJspConfigDescriptor implements JspConfigDescriptor {

    private final List<TaglibDescriptor> taglibs = new ArrayList<>();
    private final List<JspPropertyGroupDescriptor> groups = new ArrayList<>();

    MaltJspConfigDescriptor(JspConfigModel model) {
        for (Map.Entry<String, String> taglib : model.taglibs().entrySet()) {
            taglibs.add(new Taglib(taglib.getKey(), taglib.getValue()));
        }
        for (JspConfigModel.JspPropertyGroupModel group : model.propertyGroups()) {
            groups.add(new Group(group));
        }
    }

    @Override
    public Collection<TaglibDescriptor> getTaglibs() {
        return new ArrayList<>(taglibs);
    }

    @Override
    public Collection<JspPropertyGroupDescriptor> getJspPropertyGroups() {
        return new ArrayList<>(groups);
    }

    private record Taglib(String getTaglibURI, String getTaglibLocation) implements TaglibDescriptor {
    }

    private record Group(JspConfigModel.JspPropertyGroupModel g) implements JspPropertyGroupDescriptor {

        @Override
        public Collection<String> getUrlPatterns() {
            return new ArrayList<>(g.urlPatterns());
        }

        @Override
        public String getElIgnored() {
            return g.elIgnored();
        }

        @Override
        public String getErrorOnELNotFound() {
            return g.errorOnELNotFound();
        }

        @Override
        public String getPageEncoding() {
            return g.pageEncoding();
        }

        @Override
        public String getScriptingInvalid() {
            return g.scriptingInvalid();
        }

        @Override
        public String getIsXml() {
            return g.isXml();
        }

        @Override
        public Collection<String> getIncludePreludes() {
            return new ArrayList<>(g.includePreludes());
        }

        @Override
        public Collection<String> getIncludeCodas() {
            return new ArrayList<>(g.includeCodas());
        }

        @Override
        public String getDeferredSyntaxAllowedAsLiteral() {
            return g.deferredSyntaxAllowedAsLiteral();
        }

        @Override
        public String getTrimDirectiveWhitespaces() {
            return g.trimDirectiveWhitespaces();
        }

        @Override
        public String getDefaultContentType() {
            return g.defaultContentType();
        }

        @Override
        public String getBuffer() {
            return g.buffer();
        }

        @Override
        public String getErrorOnUndeclaredNamespace() {
            return g.errorOnUndeclaredNamespace();
        }
    }
}
