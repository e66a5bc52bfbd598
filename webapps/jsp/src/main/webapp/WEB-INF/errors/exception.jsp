<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" isErrorPage="true" %>
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Something went wrong</title></head>
<body>
<h1>Something went wrong</h1>
<p class="exception"><%= exception.getClass().getName() %>: <%= exception.getMessage() %></p>
<p class="status">status ${pageContext.errorData.statusCode}</p>
<p class="uri">while serving ${pageContext.errorData.requestURI}</p>
</body></html>
