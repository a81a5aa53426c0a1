package org.charkha.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.charkha.testing.RequiredTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The UI in a real headless Chromium (Debian's chromium and chromedriver; Selenium Manager is
 * never asked to download anything because the driver path is given). One browser serves the
 * whole class, since the machine is small; each test starts from a fresh node and page.
 */
class WebUiBrowserTest {
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String TOKEN = WebServer.newToken();
  private static final String XSS_IMG = "<img src=x onerror=alert(1)>";
  private static final String XSS_SCRIPT = "<script>alert(2)</script>";

  private static ChromeDriverService service;
  private static WebDriver driver;
  private static Path profileDir;

  private MemoryAppService app;
  private WebServer server;
  private WebDriverWait wait;

  @BeforeAll
  static void startBrowser() throws IOException {
    RequiredTool.require(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
        "needs Debian's chromium and chromium-driver (./run-tests installs them)");
    profileDir = Files.createTempDirectory("charkha-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,900", "--user-data-dir=" + profileDir);
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stopBrowser() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (service != null) {
      service.stop();
    }
    if (profileDir != null) {
      try (Stream<Path> files = Files.walk(profileDir)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  @BeforeEach
  void startNode() throws IOException {
    app = new MemoryAppService();
    app.follow("magnet:?xs=urn:btpk:" + MemoryAppService.BOB);
    app.remotePost(MemoryAppService.BOB, null, "Spun two skeins of khadi today. The wheel hums when it is happy.");
    app.post("Hello from my own computer. No company in between.");
    server = WebServer.start(app, 0, TOKEN);
    driver.manage().window().setSize(new Dimension(1280, 900));
    wait = new WebDriverWait(driver, Duration.ofSeconds(10));
    // A live update may replace the list while a condition looks at it; look again.
    wait.ignoring(StaleElementReferenceException.class);
  }

  @AfterEach
  void stopNode() {
    List<LogEntry> severe = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        // The last test's event stream is cut when its server stops; the browser logs that.
        .filter(e -> !e.getMessage().contains("/api/events"))
        .toList();
    server.close();
    assertEquals(List.of(), severe.stream().map(LogEntry::getMessage).toList(),
        "the page logged errors (a CSP violation or a script error)");
  }

  @Test
  void ownerPostsWithCtrlEnterAndSeesItOnTheTimeline() {
    open("#/home");
    WebElement box = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".compose textarea")));
    box.sendKeys("Carding cotton by the window.");
    box.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    waitForPost("Carding cotton by the window.");
    assertEquals("", box.getAttribute("value"), "the compose box empties after posting");
    assertTrue(app.refsOf(MemoryAppService.SELF).stream()
        .anyMatch(r -> "Carding cotton by the window.".equals(app.textOf(r))));
  }

  @Test
  void ownerFollowsSomeoneByPastingTheirLink() {
    app.addFeed(MemoryAppService.CAROL, "Carol");
    open("#/me");
    WebElement link = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".follow-form input")));
    link.sendKeys("magnet:?xs=urn:btpk:" + MemoryAppService.CAROL + "&dn=Carol");
    driver.findElement(By.cssSelector(".follow-form button[type=submit]")).click();
    wait.until(ExpectedConditions.urlContains("#/profile/" + MemoryAppService.CAROL));
    wait.until(ExpectedConditions.textToBe(By.cssSelector(".follow-btn"), "Unfollow"));
    assertTrue(app.follows(MemoryAppService.CAROL));
  }

  @Test
  void ownerRepliesInAThreadAndTheReplyIsNested() {
    String bobPost = app.refsOf(MemoryAppService.BOB).get(0);
    open("#/thread/" + bobPost);
    WebElement box = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".reply-form textarea")));
    box.sendKeys("Which wheel do you use?");
    driver.findElement(By.cssSelector(".reply-form button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".replies-list"),
        "Which wheel do you use?"));
    String mine = app.refsOf(MemoryAppService.SELF).get(1);
    assertEquals("Which wheel do you use?", app.textOf(mine));
  }

  @Test
  void ownerEditsAndDeletesTheirPost() {
    String ref = app.refsOf(MemoryAppService.SELF).get(0);
    open("#/home");
    WebElement card = waitForPost("Hello from my own computer.");
    card.findElement(By.xpath(".//button[text()='Edit']")).click();
    WebElement editor = card.findElement(By.cssSelector(".inline-form textarea"));
    editor.clear();
    editor.sendKeys("Hello from my own computer, edited.");
    editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
    card = waitForPost("Hello from my own computer, edited.");
    assertEquals("Hello from my own computer, edited.", app.textOf(ref));

    card.findElement(By.xpath(".//button[text()='Delete']")).click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".post[data-ref='" + ref + "']"),
        "This was deleted."));
  }

  @Test
  void aThreadShowsTheEarlierVersionsOfAnEditedPost() {
    String ref = app.refsOf(MemoryAppService.SELF).get(0);
    app.edit(ref, "Hello again, said better.");
    open("#/thread/" + ref);
    WebElement card = waitForPost("Hello again, said better.");
    WebElement history = card.findElement(By.cssSelector("details.history"));
    assertEquals("Edited: 1 earlier version", history.findElement(By.tagName("summary")).getText());
    history.findElement(By.tagName("summary")).click();
    wait.until(ExpectedConditions.textToBePresentInElement(history, "Hello from my own computer. No company in between."));
  }

  @Test
  void theTokenLeavesTheAddressBarOnceThePageHasIt() {
    driver.get(server.url() + "#/home");
    waitForPost("Hello from my own computer.");
    String address = driver.getCurrentUrl();
    assertFalse(address.contains(TOKEN) || address.contains("t="), address);
    assertTrue(address.endsWith("/#/home"), address);
    driver.navigate().refresh(); // the session cookie opens the page again
    waitForPost("Hello from my own computer.");
  }

  @Test
  void aFeedNotYetFoundShowsAsResolvingOnTheStatusPage() {
    app.setResolving(MemoryAppService.BOB);
    open("#/status");
    WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".status-table tbody tr")));
    assertEquals("resolving", row.findElement(By.cssSelector("td[data-label='Held / newest']")).getText());
    assertEquals("resolving", row.findElement(By.cssSelector("td[data-label='Behind']")).getText());
    assertFalse(row.getText().contains("-1"), row.getText());
  }

  @Test
  void ownerReactsAndTheCountShows() {
    String bobPost = app.refsOf(MemoryAppService.BOB).get(0);
    open("#/home");
    WebElement card = waitForPost("Spun two skeins");
    card.findElement(By.cssSelector("button[aria-label^='React 🙏']")).click();
    wait.until(d -> d.findElement(By.cssSelector(".post[data-ref='" + bobPost + "'] button.react.has"))
        .getText().contains("1"));
    assertEquals(1, app.reactionsOn(bobPost, "🙏"));
  }

  @Test
  void postsDatedBeyondWhatADateCanHoldDoNotBlankTheTimeline() {
    app.remotePostAt(MemoryAppService.BOB, Long.MAX_VALUE, "Posted at the end of time.");
    app.remotePostAt(MemoryAppService.BOB, 8_640_000_000_000_001L, "One past the last date.");
    open("#/home");
    waitForPost("Spun two skeins");
    waitForPost("Hello from my own computer.");
    WebElement card = waitForPost("Posted at the end of time.");
    assertEquals("unknown date", card.findElement(By.cssSelector("time")).getText());
    assertEquals("unknown date", waitForPost("One past the last date.").findElement(By.cssSelector("time")).getText());
  }

  @Test
  void searchFindsPostsByTheirWords() {
    open("#/search");
    WebElement q = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".search-form input")));
    q.sendKeys("skeins", Keys.ENTER);
    wait.until(ExpectedConditions.urlContains("#/search?q=skeins"));
    waitForPost("Spun two skeins");
    assertEquals(1, driver.findElements(By.cssSelector("main .post")).size());
  }

  @Test
  void searchListsPeopleWhoseBioMatchesWithALinkToTheirProfile() {
    open("#/search?q=spin");
    WebElement person = wait.until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector(".people-results a[href='#/profile/" + MemoryAppService.SELF + "']")));
    assertEquals("Asha", person.getText());
    person.click();
    wait.until(ExpectedConditions.textToBe(By.cssSelector(".profile h1"), "Asha"));
  }

  @Test
  void aPostFromAFollowedFeedArrivesLiveWithoutReload() {
    open("#/home");
    waitForPost("Spun two skeins");
    wait.until(ExpectedConditions.textToBe(By.cssSelector(".live"), "live"));
    js("window.__sameDocument = 'yes';");
    app.remotePost(MemoryAppService.BOB, null, "Fresh from the swarm: the dye is setting.");
    waitForPost("Fresh from the swarm");
    assertEquals("yes", js("return window.__sameDocument;"), "the page was not reloaded");
  }

  @Test
  void hostileTextFromAFeedRendersAsLiteralText() {
    app.setName(MemoryAppService.CAROL, XSS_SCRIPT);
    app.follow("magnet:?xs=urn:btpk:" + MemoryAppService.CAROL);
    app.remotePost(MemoryAppService.CAROL, null, XSS_IMG);
    app.remotePost(MemoryAppService.CAROL, null, XSS_SCRIPT + " and <b>bold</b>");
    open("#/home");
    waitForPost(XSS_IMG);
    waitForPost(XSS_SCRIPT + " and <b>bold</b>");
    // Read the page in one script: a live update may re-render the list between two WebDriver calls.
    assertTrue(texts("main .post .text").contains(XSS_IMG), "the payload shows as its literal text");
    assertTrue(texts("main .author").contains(XSS_SCRIPT), "a hostile name shows as its literal text");
    assertEquals(List.of(), texts("main img, main script, main b"), "no element came from feed text");
    assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());

    open("#/profile/" + MemoryAppService.CAROL);
    wait.until(ExpectedConditions.textToBe(By.cssSelector(".profile h1"), XSS_SCRIPT));
    assertEquals(0, driver.findElements(By.cssSelector("main img, main script")).size());
    assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());
  }

  @Test
  void equivocationIsShownOnTheProfileAndPosts() {
    app.setEquivocation(MemoryAppService.BOB);
    open("#/profile/" + MemoryAppService.BOB);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".profile .warn"), "Equivocation"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".post.equivocal .warn")));
    assertFalse(driver.findElement(By.cssSelector(".profile")).getText().contains("null"),
        "a feed without a bio shows no bio, not the word null");
    open("#/status");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".status-table"), "equivocation"));
  }

  @Test
  void screenshotsAtDesktopAndPhoneWidth() throws IOException {
    String bobPost = app.refsOf(MemoryAppService.BOB).get(0);
    app.addFeed(MemoryAppService.CAROL, "Carol");
    app.follow("magnet:?xs=urn:btpk:" + MemoryAppService.CAROL);
    app.remotePost(MemoryAppService.CAROL, bobPost, "Lovely. Is that the box charkha?");
    String reply = app.refsOf(MemoryAppService.CAROL).get(0);
    app.comment(reply, "It is! Folds up like a book.");
    app.remotePost(MemoryAppService.CAROL, null, "Indigo vat is ready.\nWho wants to dye on Saturday?");
    app.react(bobPost, "❤️");
    app.react(bobPost, "🙏");
    app.setEquivocation(MemoryAppService.CAROL);

    for (Dimension size : List.of(new Dimension(1280, 900), new Dimension(390, 844))) {
      driver.manage().window().setSize(size);
      String tag = size.getWidth() > 600 ? "desktop" : "phone";
      open("#/home");
      waitForPost("Indigo vat");
      shot(tag + "-home");
      assertNoSidewaysScroll(tag + "-home");
      open("#/thread/" + bobPost);
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".replies-list"), "Folds up"));
      shot(tag + "-thread");
      assertNoSidewaysScroll(tag + "-thread");
      open("#/profile/" + MemoryAppService.CAROL);
      waitForPost("Indigo vat");
      shot(tag + "-profile");
      assertNoSidewaysScroll(tag + "-profile");
      open("#/me");
      wait.until(d -> (Boolean) js("const i = document.querySelector('img.qr'); return !!i && i.complete && i.naturalWidth > 0;"));
      shot(tag + "-me");
      assertNoSidewaysScroll(tag + "-me");
      open("#/status");
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".stats")));
      shot(tag + "-status");
      assertNoSidewaysScroll(tag + "-status");
    }
    // Dark mode follows the system setting.
    driver.manage().window().setSize(new Dimension(1280, 900));
    ((ChromeDriver) driver).executeCdpCommand("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    try {
      open("#/thread/" + bobPost);
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".replies-list"), "Folds up"));
      assertEquals("rgb(21, 20, 18)", js("return getComputedStyle(document.body).backgroundColor;"));
      shot("desktop-dark-thread");
    } finally {
      ((ChromeDriver) driver).executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
    }
    assertTrue(Files.size(SCREENSHOTS.resolve("phone-home.png")) > 0);
  }

  // ---- helpers ----

  /** At any width the page reflows: nothing is wider than the window (no sideways scrolling). */
  private void assertNoSidewaysScroll(String page) {
    long scrollWidth = (Long) js("return document.documentElement.scrollWidth;");
    long innerWidth = (Long) js("return window.innerWidth;");
    assertTrue(scrollWidth <= innerWidth, page + ": content is " + scrollWidth + " px wide in a "
        + innerWidth + " px window");
  }

  private void open(String hash) {
    String url = server.url() + hash;
    String page = "http://127.0.0.1:" + server.getPort() + "/"; // the page drops ?t= from its address
    if (driver.getCurrentUrl() != null && driver.getCurrentUrl().startsWith(page)) {
      js("location.hash = arguments[0];", hash);
    } else {
      driver.get(url);
    }
  }

  private WebElement waitForPost(String text) {
    return wait.until(d -> d.findElements(By.cssSelector("main .post")).stream()
        .filter(p -> p.findElement(By.cssSelector(".text")).getText().contains(text))
        .findFirst().orElse(null));
  }

  @SuppressWarnings("unchecked")
  private List<String> texts(String selector) {
    return (List<String>) js("return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent);",
        selector);
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private void shot(String name) throws IOException {
    js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
    Files.createDirectories(SCREENSHOTS);
    File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(f.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
