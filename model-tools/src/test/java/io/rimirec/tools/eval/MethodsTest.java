package io.rimirec.tools.eval;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MethodsTest {

    @Test
    void theHelpNamesEveryMethodInTableOrder() {
        List<String> named = new ArrayList<>();
        for (String item : Methods.NAMES.split(",\\s+(?![^{]*})")) {
            Matcher m = Pattern.compile("(.*)\\{(.*)}(.*)").matcher(item);
            if (m.matches()) {
                for (String choice : m.group(2).split(",")) {
                    named.add(m.group(1) + choice + m.group(3));
                }
            } else {
                named.add(item);
            }
        }
        assertEquals(List.copyOf(Methods.all().keySet()), named);
    }

    @Test
    void anUnknownMethodIsRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Methods.parse("pop,sasrek"));
        assertTrue(e.getMessage().startsWith("unknown method [sasrek]: expected one of [pop, itemknn"), e.getMessage());
    }
}
