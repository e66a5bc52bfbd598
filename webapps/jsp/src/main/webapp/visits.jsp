<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<c:set var="visits" scope="session" value="${empty sessionScope.visits ? 1 : sessionScope.visits + 1}"/>
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Visits</title></head>
<body><p class="visits">visits ${sessionScope.visits}</p></body></html>
