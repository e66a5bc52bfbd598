package dev.malt.webapps.spring;

/** The contact form's fields, bound by Spring from the url-encoded POST body. */
public class ContactForm {

    private String name = "";
    private String email = "";
    private String message = "";

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }
}
