package dev.malt.server.servlet.apps;

import dev.malt.server.servlet.apps.support.AppBaseServlet;

/** A servlet whose base class lives elsewhere, for the missing-dependency message. */
public class DependentServlet extends AppBaseServlet {
}
