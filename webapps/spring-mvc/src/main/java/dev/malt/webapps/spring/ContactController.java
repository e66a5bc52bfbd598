package dev.malt.webapps.spring;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A form: GET shows it, POST validates it. Errors come back on the form (422); a valid message goes
 * through a redirect to the thank-you page, carrying a flash attribute (kept in the session by Spring).
 */
@Controller
public class ContactController {

    @InitBinder("contactForm")
    void validator(WebDataBinder binder) {
        binder.setValidator(new ContactFormValidator());
    }

    @GetMapping("/contact")
    public ResponseEntity<String> form(HttpServletRequest request) {
        return Html.page(request.getContextPath(), "Contact us", form(request.getContextPath(), new ContactForm(), null));
    }

    @PostMapping("/contact")
    public Object submit(@Validated @ModelAttribute("contactForm") ContactForm form, BindingResult result,
            RedirectAttributes redirect, HttpServletRequest request) {
        if (result.hasErrors()) {
            return Html.page(HttpStatus.UNPROCESSABLE_ENTITY, request.getContextPath(), "Contact us",
                    form(request.getContextPath(), form, result));
        }
        redirect.addFlashAttribute("thanks", "Thank you, " + form.getName() + ". We will write to " + form.getEmail() + ".");
        return "redirect:/contact/thanks";
    }

    @GetMapping("/contact/thanks")
    public ResponseEntity<String> thanks(Model model, HttpServletRequest request) {
        Object thanks = model.getAttribute("thanks");
        String text = thanks == null ? "Nothing was sent." : thanks.toString();
        return Html.page(request.getContextPath(), "Message sent", "<p id=\"thanks\">" + Html.escape(text) + "</p>");
    }

    private static String form(String contextPath, ContactForm form, BindingResult errors) {
        StringBuilder html = new StringBuilder();
        if (errors != null) {
            html.append("<ul class=\"errors\">\n");
            for (FieldError error : errors.getFieldErrors()) {
                html.append("<li data-field=\"").append(error.getField()).append("\">")
                        .append(Html.escape(error.getDefaultMessage())).append("</li>\n");
            }
            html.append("</ul>\n");
        }
        html.append("<form method=\"post\" action=\"").append(contextPath).append("/contact\">\n")
                .append("<label>Name <input name=\"name\" value=\"").append(Html.escape(form.getName())).append("\"></label>\n")
                .append("<label>E-mail <input name=\"email\" value=\"").append(Html.escape(form.getEmail())).append("\"></label>\n")
                .append("<label>Message <textarea name=\"message\">").append(Html.escape(form.getMessage())).append("</textarea></label>\n")
                .append("<button>Send</button>\n</form>");
        return html.toString();
    }
}
