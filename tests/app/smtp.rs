//! A real SMTP server on loopback for the tests: it speaks SMTP over TCP and can accept,
//! answer 4xx, answer 5xx, hang, or be down (not listening at all).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// `451` to MAIL FROM.
    Temporary,
    /// `550` to MAIL FROM.
    Permanent,
    /// Accepts the connection and never says a word.
    Hang,
}

/// A message as received, decoded.
#[derive(Debug, Clone)]
pub struct Received {
    pub raw: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
}

/// The test SMTP server.
pub struct SmtpServer {
    pub port: u16,
    mode: Arc<Mutex<Mode>>,
    pub received: Arc<Mutex<Vec<Received>>>,
    running: Arc<AtomicBool>,
}

impl SmtpServer {
    /// Starts a server on a free port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let server = Self {
            port,
            mode: Arc::new(Mutex::new(Mode::Accept)),
            received: Arc::new(Mutex::new(Vec::new())),
            running: Arc::new(AtomicBool::new(false)),
        };
        server.serve(listener);
        server
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Changes how the server answers from now on.
    pub fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    /// Stops listening: connections are refused.
    pub fn stop(&self) {
        self.running.store(false, Ordering::SeqCst);
        // Wait until the accept loop has dropped the listener.
        let deadline = Instant::now() + Duration::from_secs(2);
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Listens again on the same port.
    pub fn restart(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).expect("rebind");
        self.serve(listener);
    }

    fn serve(&self, listener: TcpListener) {
        listener.set_nonblocking(true).unwrap();
        self.running.store(true, Ordering::SeqCst);
        let (running, mode, received) = (
            self.running.clone(),
            self.mode.clone(),
            self.received.clone(),
        );
        std::thread::spawn(move || {
            while running.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (mode, received) = (mode.clone(), received.clone());
                        std::thread::spawn(move || {
                            let _ = session(stream, &mode, &received);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
    }

    /// The messages received so far.
    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until at least `n` messages arrived (or `secs` passed); returns them all.
    pub fn wait_for(&self, n: usize, secs: u64) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while self.messages().len() < n && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        self.messages()
    }

    /// The messages whose subject has `headline`, once `n` of them arrived (waiting at most
    /// 20 s; fewer when they did not).
    pub async fn with_subject(&self, headline: &str, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found: Vec<Received> = self
                .messages()
                .into_iter()
                .filter(|m| m.subject.contains(headline))
                .collect();
            if found.len() >= n || Instant::now() > deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl SmtpServer {
    /// The path of the newest link starting with `prefix` in an email to `to` (waiting at
    /// most 20 s).
    pub async fn link_to(&self, to: &str, prefix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self
                .messages()
                .into_iter()
                .rev()
                .find(|m| m.to == vec![to.to_owned()] && m.text.contains(prefix));
            if let Some(m) = found {
                let at = m.text.find(prefix).unwrap();
                return m.text[at..].split_whitespace().next().unwrap().to_owned();
            }
            assert!(Instant::now() < deadline, "no {prefix} link for {to}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.running.store(false, Ordering::SeqCst);
    }
}

fn session(
    stream: TcpStream,
    mode: &Mutex<Mode>,
    received: &Mutex<Vec<Received>>,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    let current = *mode.lock().unwrap();
    if current == Mode::Hang {
        std::thread::sleep(Duration::from_secs(30));
        return Ok(());
    }
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    out.write_all(b"220 localhost ESMTP attest-test\r\n")?;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250-localhost\r\n250 8BITMIME\r\n"
        } else if command.starts_with("MAIL FROM") {
            match *mode.lock().unwrap() {
                Mode::Temporary => b"451 4.3.0 Try again later\r\n",
                Mode::Permanent => b"550 5.7.1 Rejected for good\r\n",
                _ => b"250 OK\r\n",
            }
        } else if command.starts_with("RCPT TO") {
            recipients.push(
                line.trim_end()[8..]
                    .trim()
                    .trim_matches(|c| c == '<' || c == '>' || c == ':')
                    .to_owned(),
            );
            b"250 OK\r\n"
        } else if command == "DATA" {
            out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
            }
            received
                .lock()
                .unwrap()
                .push(decode(&data, std::mem::take(&mut recipients)));
            b"250 OK queued\r\n"
        } else if command == "QUIT" {
            out.write_all(b"221 Bye\r\n")?;
            return Ok(());
        } else {
            b"250 OK\r\n"
        };
        out.write_all(reply)?;
    }
}

fn decode(raw: &str, to: Vec<String>) -> Received {
    let parsed = mailparse::parse_mail(raw.as_bytes()).expect("a parsable message");
    let header = |name: &str| {
        parsed
            .headers
            .iter()
            .find(|h| h.get_key().eq_ignore_ascii_case(name))
            .map(|h| h.get_value())
            .unwrap_or_default()
    };
    // The first part of each type, however deep (an attachment nests the alternatives).
    fn first(part: &mailparse::ParsedMail, mimetype: &str) -> Option<String> {
        if part.ctype.mimetype == mimetype {
            return part.get_body().ok();
        }
        part.subparts.iter().find_map(|p| first(p, mimetype))
    }
    let text = first(&parsed, "text/plain").unwrap_or_default();
    let html = first(&parsed, "text/html").unwrap_or_default();
    Received {
        raw: raw.to_owned(),
        to,
        subject: header("Subject"),
        text,
        html,
        message_id: header("Message-ID"),
    }
}
