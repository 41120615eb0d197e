package io.duratask.samples;

import java.math.BigDecimal;

/** What a customer ordered: the input of every activity of {@link OrderProcessing}. */
public record Order(String id, String item, int quantity, BigDecimal amount) {}
