<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" %>
This text is buffered and discarded by the forward.
<jsp:forward page="/WEB-INF/views/result.jsp">
  <jsp:param name="via" value="jsp-forward"/>
</jsp:forward>
