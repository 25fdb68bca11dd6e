//! A headless Chromium driven over the DevTools protocol (`chromiumoxide`), sized like a phone,
//! with what the tests need of it: open a page, type into fields, click, wait for the page to
//! reach a state (a DOM condition, polled; never a fixed sleep), and keep a screenshot of each
//! step. Chromium is Debian's `chromium` (`.ci/run` installs it); a machine without it fails the
//! test that wanted it, loudly. Browsers run one at a time: the machine has two cores.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::network::EventRequestWillBeSent;
use chromiumoxide::cdp::browser_protocol::page::Viewport as Clip;
use chromiumoxide::handler::viewport::Viewport;
use chromiumoxide::layout::Point;
use chromiumoxide::page::ScreenshotParams;
use chromiumoxide::{Browser, BrowserConfig, Page};
use futures::StreamExt;
use tokio::sync::{Mutex, MutexGuard};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use uuid::Uuid;

/// Where Debian puts Chromium; `CHROMIUM` names another binary.
const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
/// The longest a test waits for the page to reach a state.
const WAIT_LIMIT: Duration = Duration::from_secs(30);
/// How often it looks meanwhile.
const POLL: Duration = Duration::from_millis(50);

/// One browser at a time, across every test of the run.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// A phone: 390 × 844 CSS pixels, touch, mobile layout.
fn phone() -> Viewport {
    Viewport {
        width: 390,
        height: 844,
        device_scale_factor: Some(1.0),
        emulating_mobile: true,
        is_landscape: false,
        has_touch: true,
    }
}

/// A running browser, with a profile of its own that goes with it.
pub struct Chromium {
    browser: Browser,
    handler: JoinHandle<()>,
    profile: PathBuf,
    _turn: MutexGuard<'static, ()>,
}

impl Chromium {
    /// Starts headless Chromium with a fresh profile, as root in a container may.
    pub async fn launch() -> Chromium {
        let turn = ONE_AT_A_TIME.lock().await;
        let executable = std::env::var_os("CHROMIUM")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CHROMIUM));
        assert!(
            executable.exists(),
            "Chromium is missing at {}: install Debian's `chromium` package (`.ci/run` does) \
             or set CHROMIUM to its binary",
            executable.display()
        );
        let profile =
            std::env::temp_dir().join(format!("vitrine-chromium-{}", Uuid::now_v7().simple()));
        let config = BrowserConfig::builder()
            .chrome_executable(&executable)
            .new_headless_mode()
            .no_sandbox()
            .arg("disable-gpu")
            .arg("disable-dev-shm-usage")
            .user_data_dir(&profile)
            .viewport(phone())
            .launch_timeout(Duration::from_secs(60))
            .request_timeout(Duration::from_secs(60))
            .build()
            .expect("a Chromium configuration");
        let (browser, mut events) = Browser::launch(config).await.unwrap_or_else(|err| {
            panic!("Chromium at {} won't start: {err}", executable.display())
        });
        let handler = tokio::spawn(async move { while events.next().await.is_some() {} });
        Chromium {
            browser,
            handler,
            profile,
            _turn: turn,
        }
    }

    /// Opens `url` in a new tab, with its screenshots kept under `artifacts`.
    pub async fn open(&self, url: &str, artifacts: &Path) -> Tab {
        let page = self.browser.new_page(url).await.expect("a new tab");
        let posts = Arc::new(AtomicUsize::new(0));
        let mut requests = page
            .event_listener::<EventRequestWillBeSent>()
            .await
            .expect("the tab's requests");
        let counted = posts.clone();
        tokio::spawn(async move {
            while let Some(request) = requests.next().await {
                if request.request.method == "POST" {
                    counted.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        std::fs::create_dir_all(artifacts).expect("the artifacts directory");
        let tab = Tab {
            page,
            artifacts: artifacts.to_path_buf(),
            shots: AtomicUsize::new(0),
            posts,
        };
        tab.wait_for("document.readyState === 'complete'", "the first page")
            .await;
        tab
    }

    /// Closes the browser and waits for it to exit.
    pub async fn close(mut self) {
        let _ = self.browser.close().await;
        let _ = self.browser.wait().await;
    }
}

/// A test that fails midway still leaves no profile behind (the browser itself is killed when
/// it is dropped).
impl Drop for Chromium {
    fn drop(&mut self) {
        self.handler.abort();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// One tab.
pub struct Tab {
    page: Page,
    artifacts: PathBuf,
    shots: AtomicUsize,
    posts: Arc<AtomicUsize>,
}

impl Tab {
    /// Waits until the JavaScript `condition` holds in the page (a navigation in between counts
    /// as not yet); fails the test after `WAIT_LIMIT`, saying what it waited for.
    pub async fn wait_for(&self, condition: &str, what: &str) {
        let deadline = Instant::now() + WAIT_LIMIT;
        loop {
            if self.holds(condition).await {
                return;
            }
            if Instant::now() > deadline {
                let url = self.page.url().await.ok().flatten().unwrap_or_default();
                let shot = self.screenshot("timed-out").await;
                panic!(
                    "waited {WAIT_LIMIT:?} for {what} ({condition}); the tab is at {url}, \
                     see {}",
                    shot.display()
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn holds(&self, condition: &str) -> bool {
        let expression = format!("Boolean({condition})");
        let evaluated =
            tokio::time::timeout(Duration::from_secs(5), self.page.evaluate(expression));
        match evaluated.await {
            Ok(Ok(result)) => result.into_value::<bool>().unwrap_or(false),
            _ => false,
        }
    }

    /// Waits until the tab shows a loaded page whose path ends with `suffix` and that has an
    /// element matching `selector`.
    pub async fn wait_for_page(&self, suffix: &str, selector: &str) {
        let condition = format!(
            "document.readyState === 'complete' && location.pathname.endsWith({suffix:?}) \
             && document.querySelector({selector:?}) !== null"
        );
        self.wait_for(&condition, &format!("a page at …{suffix} with {selector}"))
            .await;
    }

    /// Evaluates `expression` and returns its value.
    pub async fn value<T: serde::de::DeserializeOwned>(&self, expression: &str) -> T {
        self.page
            .evaluate(expression)
            .await
            .unwrap_or_else(|err| panic!("evaluating {expression}: {err}"))
            .into_value()
            .unwrap_or_else(|err| panic!("the value of {expression}: {err}"))
    }

    /// The text of the element `selector`.
    pub async fn text(&self, selector: &str) -> String {
        self.value(&format!(
            "document.querySelector({selector:?})?.textContent.trim() ?? ''"
        ))
        .await
    }

    /// Clicks the field `#id` and types `text` into it, as a shopper would.
    pub async fn type_into(&self, id: &str, text: &str) {
        let selector = format!("#{id}");
        let field = self.page.find_element(&selector).await.expect(&selector);
        field.click().await.expect("click the field");
        field.type_str(text).await.expect("type into the field");
    }

    /// Clicks the element `selector`.
    pub async fn click(&self, selector: &str) {
        let element = self.page.find_element(selector).await.expect(selector);
        element.click().await.expect("click");
    }

    /// Scrolls the element `selector` into view; returns the point a click on it lands on.
    pub async fn point_of(&self, selector: &str) -> Point {
        let element = self.page.find_element(selector).await.expect(selector);
        let element = element.scroll_into_view().await.expect("scroll to it");
        element.clickable_point().await.expect("a point to click")
    }

    /// Clicks whatever the page shows at `point`: still the old page while a form's answer is
    /// awaited, when looking its elements up again may fail.
    pub async fn click_at(&self, point: Point) {
        self.page.click(point).await.expect("click");
    }

    /// Presses a key (`"Tab"`, `"Enter"`) in the focused element.
    pub async fn press(&self, key: &str) {
        let focused = self
            .page
            .find_element(":focus")
            .await
            .expect("a focused element");
        focused.press_key(key).await.expect("press a key");
    }

    /// How many POST requests the tab has sent.
    pub fn posts(&self) -> usize {
        self.posts.load(Ordering::SeqCst)
    }

    /// Saves a PNG of the whole page as the next numbered step `name`; returns its path. The
    /// page is captured beyond the viewport rather than with chromiumoxide's `full_page`, which
    /// resets the phone's emulation afterwards.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let step = self.shots.fetch_add(1, Ordering::SeqCst) + 1;
        let path = self.artifacts.join(format!("{step:02}-{name}.png"));
        let metrics = self.page.layout_metrics().await.expect("the page's size");
        let whole = Clip {
            x: 0.0,
            y: 0.0,
            width: metrics.css_content_size.width,
            height: metrics.css_content_size.height,
            scale: 1.0,
        };
        let params = ScreenshotParams::builder()
            .capture_beyond_viewport(true)
            .clip(whole)
            .build();
        let png = self.page.screenshot(params).await.expect("a screenshot");
        std::fs::write(&path, png).expect("save the screenshot");
        path
    }
}
