package org.charkha.testswarm;

import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test method a fresh {@link Swarm} parameter and, after the test, prints what every host did if
 * the test failed, then tears the swarm down. Skips the test (not fails) only when the machine is not
 * root or has no iproute2.
 *
 * <pre>{@code
 * @ExtendWith(SwarmExtension.class)
 * class FollowSwarmIT {
 *   @Test void followerSeesPost(@Hosts(3) Swarm swarm) { ... }
 * }
 * }</pre>
 */
public final class SwarmExtension implements BeforeEachCallback, ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SwarmExtension.class);
  private static final int DUMP_LINES_PER_HOST = 60;

  @Override
  public void beforeEach(ExtensionContext context) {
    Swarm.assumeCanRun();
  }

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    return pc.getParameter().getType() == Swarm.class;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    int hosts = pc.findAnnotation(Hosts.class).map(Hosts::value).orElse(3);
    String name = ec.getRequiredTestClass().getSimpleName() + "." + ec.getTestMethod().map(Method::getName).orElse("test");
    Swarm swarm = Swarm.create(name, hosts);
    ec.getStore(NS).put(pc.getIndex(), swarm);
    return swarm;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (int i = 0; i < 16; i++) {
      Swarm swarm = context.getStore(NS).remove(i, Swarm.class);
      if (swarm == null) {
        continue;
      }
      try {
        context.getExecutionException().ifPresent(e -> {
          System.err.println("test " + context.getDisplayName() + " failed: " + e);
          swarm.dumpLogs(System.err, DUMP_LINES_PER_HOST);
        });
      } finally {
        swarm.close();
      }
    }
  }
}
