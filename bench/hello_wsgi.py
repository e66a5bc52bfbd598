# The uWSGI side of bench/run: the same responses as dev.malt.samples.EchoServlet on Malt and Tomcat.
# GET: Malt's HelloServlet's line. POST /echo: the request body back, with its length.
HELLO = b"Hello from uWSGI!\n"


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/echo" and environ.get("REQUEST_METHOD") == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        start_response("200 OK", [("Content-Type", environ.get("CONTENT_TYPE") or "application/octet-stream"),
                                  ("Content-Length", str(len(body)))])
        return [body]
    start_response("200 OK", [("Content-Type", "text/plain;charset=UTF-8"), ("Content-Length", str(len(HELLO)))])
    return [HELLO]
