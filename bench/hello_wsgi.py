# The uWSGI side of bench/run: the same response as Malt's HelloServlet.
def application(environ, start_response):
    body = b"Hello from uWSGI!\n"
    start_response("200 OK", [("Content-Type", "text/plain;charset=UTF-8"), ("Content-Length", str(len(body)))])
    return [body]
