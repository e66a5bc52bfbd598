<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" %>
<%-- by=0 throws ArithmeticException; web.xml sends it to /WEB-INF/errors/exception.jsp. --%>
<p class="result">100 / ${param.by} = <%= 100 / Integer.parseInt(request.getParameter("by")) %></p>
