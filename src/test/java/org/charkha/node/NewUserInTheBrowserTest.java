package org.charkha.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.charkha.feed.Content;
import org.charkha.feed.FeedLink;
import org.charkha.store.DataDir;
import org.charkha.swarm.SwarmConfig;
import org.charkha.sync.SyncEngine;
import org.charkha.testing.RequiredTool;
import org.charkha.web.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The README's promise, in a real Chromium against two real nodes (real bt, files, index, web
 * server) on 127.0.0.1: a new user opens the page, posts, follows another node's link, sees its
 * posts arrive without reloading, replies, and finds a post by search. The DHT cannot run on
 * loopback, so the followed feed's first item is handed over as a DHT get would return it.
 */
class NewUserInTheBrowserTest {
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

  @TempDir Path tmp;
  private final List<Node> nodes = new ArrayList<>();
  private ChromeDriverService service;
  private WebDriver driver;

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (service != null) {
      service.stop();
    }
    nodes.forEach(Node::close);
  }

  private Node start(String name, int[] portOut) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    portOut[0] = port;
    DataDir data = DataDir.open(tmp.resolve(name));
    SwarmConfig config = SwarmConfig.builder(port, data.home().resolve("swarm"))
        .bindAddress(InetAddress.getLoopbackAddress()).dht(false).publicBootstrap(false).lsd(false)
        .peerDiscoveryInterval(Duration.ofSeconds(1)).build();
    Node node = Node.start(data, SwarmNetwork.start(config, true, Duration.ofSeconds(60)),
        new SyncEngine.Config(Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(60), Duration.ofSeconds(1)));
    nodes.add(node);
    return node;
  }

  @Test
  void newUserPostsFollowsSeesPostsArriveRepliesAndSearches() throws Exception {
    RequiredTool.require(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
        "needs Debian's chromium and chromium-driver (./run-tests installs them)");
    int[] authorPort = new int[1];
    Node author = start("author", authorPort);
    author.own().append(new Content.Profile(java.util.Optional.of("Kasturba"), java.util.Optional.empty()));
    author.own().append(new Content.Post("Welcome to my corner of the network"));
    author.checkOwnFeed();
    Node me = start("me", new int[1]);
    WebServer web = me.startWeb(0);

    Path profile = Files.createTempDirectory(tmp, "chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,900", "--user-data-dir=" + profile);
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    wait.ignoring(StaleElementReferenceException.class);

    // Opens the page and posts.
    driver.get(web.url() + "#/home");
    WebElement box = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".compose textarea")));
    box.sendKeys("My first post, from my own computer");
    box.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    waitForPost(wait, "My first post, from my own computer");
    assertEquals(1, me.own().log().size(), "the post is in the user's own signed feed");

    // Follows the author by pasting the link.
    ((JavascriptExecutor) driver).executeScript("location.hash = '#/me'");
    WebElement link = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".follow-form input")));
    link.sendKeys(new FeedLink(author.own().feed(), java.util.Optional.of("Kasturba")).toString());
    driver.findElement(By.cssSelector(".follow-form button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBe(By.cssSelector(".follow-btn"), "Unfollow"));
    me.sync().offer(author.own().currentItem().orElseThrow(),
        List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), authorPort[0])));

    // The author's posts arrive on the home timeline without a reload.
    ((JavascriptExecutor) driver).executeScript("location.hash = '#/home'; window.__noReload = true;");
    waitForPost(wait, "Welcome to my corner of the network");
    author.own().append(new Content.Post("Spinning khadi this evening"));
    author.checkOwnFeed();
    WebElement arrived = waitForPost(wait, "Spinning khadi this evening");
    assertEquals(Boolean.TRUE, ((JavascriptExecutor) driver).executeScript("return window.__noReload === true;"),
        "the page was not reloaded");

    // Replies in the thread.
    String ref = arrived.getAttribute("data-ref");
    ((JavascriptExecutor) driver).executeScript("location.hash = arguments[0]", "#/thread/" + ref);
    WebElement reply = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".reply-form textarea")));
    reply.sendKeys("Lovely, I will join you");
    driver.findElement(By.cssSelector(".reply-form button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".replies-list"), "Lovely, I will join you"));

    // Finds the author's post by search.
    ((JavascriptExecutor) driver).executeScript("location.hash = '#/search'");
    WebElement q = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".search-form input")));
    q.sendKeys("khadi", Keys.ENTER);
    waitForPost(wait, "Spinning khadi this evening");
    assertTrue(driver.findElements(By.cssSelector("main .post")).size() >= 1);
  }

  private static WebElement waitForPost(WebDriverWait wait, String text) {
    return wait.until(d -> d.findElements(By.cssSelector("main .post")).stream()
        .filter(p -> p.findElement(By.cssSelector(".text")).getText().contains(text))
        .findFirst().orElse(null));
  }
}
