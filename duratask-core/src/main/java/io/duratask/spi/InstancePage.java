package io.duratask.spi;

import java.util.List;

/** One page of instances; {@code continuationToken} is null on the last page. */
public record InstancePage(List<InstanceInfo> instances, String continuationToken) {}
