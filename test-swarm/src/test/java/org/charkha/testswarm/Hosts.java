package org.charkha.testswarm;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** How many hosts the {@link Swarm} parameter injected by {@link SwarmExtension} has (default 3). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Hosts {
  int value();
}
