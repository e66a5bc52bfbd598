package dev.malt.webapps.spring;

import org.springframework.validation.Errors;
import org.springframework.validation.ValidationUtils;
import org.springframework.validation.Validator;

/** Server-side checks with Spring's own Validator (no Bean Validation provider needed in the WAR). */
public class ContactFormValidator implements Validator {

    @Override
    public boolean supports(Class<?> type) {
        return ContactForm.class.equals(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        ValidationUtils.rejectIfEmptyOrWhitespace(errors, "name", "required", "Please tell us your name.");
        ContactForm form = (ContactForm) target;
        if (form.getEmail() == null || !form.getEmail().matches("[^@\\s]+@[^@\\s]+")) {
            errors.rejectValue("email", "invalid", "That is not an e-mail address.");
        }
        if (form.getMessage() != null && form.getMessage().length() > 500) {
            errors.rejectValue("message", "tooLong", "Messages are at most 500 characters.");
        }
    }
}
