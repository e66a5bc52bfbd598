<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<%@ taglib prefix="fmt" uri="jakarta.tags.fmt" %>
<%@ taglib prefix="ex" uri="https://malt.dev/samples/jsp/tags" %>
<%@ taglib prefix="t" tagdir="/WEB-INF/tags" %>
<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>${initParam.siteName}</title>
<link rel="stylesheet" href="${pageContext.request.contextPath}/css/site.css"></head>
<body>
<%@ include file="/WEB-INF/jspf/header.jspf" %>
<p class="banner"><%= banner %></p>
<ex:greet name="${param.name}"/>
<p class="el">1 + 2 = ${1 + 2}; context path "${pageContext.request.contextPath}"</p>
<t:box title="Squares"><c:forEach var="i" begin="1" end="4"><span class="square">${i * i}</span></c:forEach></t:box>
<p class="repeat"><ex:repeat times="3">[${round}]</ex:repeat></p>
<fmt:setLocale value="en_US"/>
<p class="fmt"><fmt:formatNumber value="1234.5" pattern="#,##0.00"/></p>
<jsp:include page="/WEB-INF/fragments/clock.jsp">
  <jsp:param name="zone" value="UTC"/>
</jsp:include>
<ul>
  <li><a href="forward.jsp?item=42">jsp:forward</a></li>
  <li><a href="go?item=42">a servlet that forwards</a></li>
  <li><a href="visits.jsp">a session counter</a></li>
  <li><a href="divide.jsp?by=0">an exception and its error page</a></li>
  <li><a href="no-such-page">a missing page</a></li>
</ul>
<%@ include file="/WEB-INF/jspf/footer.jspf" %>
</body>
</html>
