<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" %>
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Forwarded</title></head>
<body>
<h1>Forwarded</h1>
<p class="via">via ${empty param.via ? requestScope.via : param.via}</p>
<p class="item">item ${param.item}</p>
<p class="forward-uri">forward request URI ${requestScope['jakarta.servlet.forward.request_uri']}</p>
<p class="forward-servlet-path">forward servlet path ${requestScope['jakarta.servlet.forward.servlet_path']}</p>
<p class="forward-query">forward query string ${requestScope['jakarta.servlet.forward.query_string']}</p>
<p class="now-uri">request URI now <%= request.getRequestURI() %></p>
</body></html>
