<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" %>
<p class="included">Included page for zone ${param.zone}; include request URI ${requestScope['jakarta.servlet.include.request_uri']}; include servlet path ${requestScope['jakarta.servlet.include.servlet_path']}.</p>
