package io.rimirec.tools.data;

/** One line of an item-vector file: the item's id and its embedding. */
public record VectorItem(String id, float[] vector) {}
