package io.duratask;

/** Starting an orchestration with an instance id that is already in use. */
public class InstanceExistsException extends DurataskException {
    private final String instanceId;

    public InstanceExistsException(String instanceId) {
        super("an orchestration instance with id '" + instanceId + "' already exists;"
                + " choose another id or read the existing instance's status");
        this.instanceId = instanceId;
    }

    public String instanceId() {
        return instanceId;
    }
}
