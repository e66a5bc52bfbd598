<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" isErrorPage="true" %>
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Not found</title></head>
<body>
<h1>Not found</h1>
<p class="missing">Nothing at ${pageContext.errorData.requestURI} (status ${requestScope['jakarta.servlet.error.status_code']}).</p>
</body></html>
