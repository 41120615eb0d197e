package io.duratask;

/** An operation named an instance id that does not exist. */
public class InstanceNotFoundException extends DurataskException {
    private final String instanceId;

    public InstanceNotFoundException(String instanceId) {
        super("no orchestration instance with id '" + instanceId + "'");
        this.instanceId = instanceId;
    }

    public String instanceId() {
        return instanceId;
    }
}
