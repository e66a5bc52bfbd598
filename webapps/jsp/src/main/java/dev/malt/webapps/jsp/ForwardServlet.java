package dev.malt.webapps.jsp;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** The MVC-style forward: a servlet picks the page, a JSP under WEB-INF renders it. */
@WebServlet("/go")
public class ForwardServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        request.setAttribute("via", "servlet");
        request.getRequestDispatcher("/WEB-INF/views/result.jsp").forward(request, response);
    }
}
