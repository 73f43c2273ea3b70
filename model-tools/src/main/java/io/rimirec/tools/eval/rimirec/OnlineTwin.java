package io.rimirec.tools.eval.rimirec;

import io.rimirec.tools.eval.Method;
import io.rimirec.tools.eval.Settings;
import io.rimirec.tools.opensearch.JsonHttp;

import java.util.List;

/**
 * An offline row served by a real node ({@code --online}): same grid and settings as the offline row, so both share
 * one fit, and the name {@code <row>-online}. Subclasses say how a fit is served and queried.
 */
public abstract class OnlineTwin implements Method {

    protected final Method offline;
    protected final JsonHttp http;
    private final String how;

    /**
     * @param offline the offline row (possibly with {@code --set} overrides): its name, grid and settings
     * @param how     how it is served, appended to the offline row's description
     */
    OnlineTwin(Method offline, JsonHttp http, String how) {
        this.offline = offline;
        this.http = http;
        this.how = how;
    }

    /** The online twin's name for an offline row. */
    public static String nameFor(String offlineName) {
        return offlineName + "-online";
    }

    @Override
    public final String name() {
        return nameFor(offline.name());
    }

    @Override
    public final String describe() {
        return offline.describe() + " — " + how;
    }

    @Override
    public final List<Settings> grid(boolean quick) {
        return offline.grid(quick);
    }
}
