package org.charkha.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median and spread of a few measurements. */
record Stats(List<Double> values) {
  static Stats of(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    return new Stats(List.copyOf(s));
  }

  double median() {
    int n = values.size();
    return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
  }

  double min() {
    return values.get(0);
  }

  double max() {
    return values.get(values.size() - 1);
  }

  int n() {
    return values.size();
  }

  /** "median (min-max, n=3)" with {@code fmt} for each number. */
  String show(String fmt) {
    return String.format(fmt, median()) + " (" + String.format(fmt, min()) + "–" + String.format(fmt, max())
        + ", n=" + n() + ")";
  }
}
