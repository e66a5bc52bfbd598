package dev.malt.server.servlet.apps.support;

import jakarta.servlet.http.HttpServlet;

/** A base class from "another jar" of the app. */
public class AppBaseServlet extends HttpServlet {
}
