package io.github.o365auditcamel.routes;

import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;

/** Whether a bean that waits on a route's thread should give up waiting: its route or the application is stopping. */
public final class Stopping {

    private Stopping() {
    }

    /** The application, or the route the exchange came from, is stopping or stopped. */
    public static boolean of(Exchange exchange) {
        var context = exchange.getContext();
        if (context.isStopping() || context.isStopped()) {
            return true;
        }
        String routeId = exchange.getFromRouteId();
        ServiceStatus status = routeId == null ? null : context.getRouteController().getRouteStatus(routeId);
        return status != null && (status.isStopping() || status.isStopped());
    }

    /** A wait cut short because the application or the route stops: nothing failed, and nothing is lost. */
    public static class CutShort extends RuntimeException {
        public CutShort(String message) {
            super(message, null, false, false);
        }
    }
}
