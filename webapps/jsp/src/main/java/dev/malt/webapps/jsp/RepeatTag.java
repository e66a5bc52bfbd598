package dev.malt.webapps.jsp;

import jakarta.servlet.jsp.JspException;
import jakarta.servlet.jsp.tagext.SimpleTagSupport;

import java.io.IOException;

/** {@code <ex:repeat times="3">body</ex:repeat>}: evaluates its body (a JspFragment) n times, with ${round}. */
public class RepeatTag extends SimpleTagSupport {

    private int times;

    public void setTimes(int times) {
        this.times = times;
    }

    @Override
    public void doTag() throws JspException, IOException {
        for (int round = 1; round <= times; round++) {
            getJspContext().setAttribute("round", round);
            getJspBody().invoke(null);
        }
    }
}
