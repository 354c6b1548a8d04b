//! A fake GitHub REST API for the action's pull-request comment, on 127.0.0.1 (never another
//! address): the comments of pull requests, listed a page at a time (`per_page`, `page`),
//! created (`POST .../issues/N/comments`) and updated (`PATCH .../issues/comments/ID`), as
//! api.github.com does. Every request is logged, and a status can be forced for all of them.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// With the query string.
    pub path: String,
    pub authorization: Option<String>,
    pub body: String,
}

#[derive(Default)]
struct State {
    /// `(pull request, id, body)`, in the order created.
    comments: Vec<(u64, u64, String)>,
    next_id: u64,
    log: Vec<Request>,
    forced: Option<u16>,
}

pub struct GithubApi {
    /// What `GITHUB_API_URL` is.
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl GithubApi {
    pub fn start() -> GithubApi {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State { next_id: 1000, ..State::default() }));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                Self::answer(stream, &shared);
            }
        });
        GithubApi { url, state }
    }

    /// Adds a comment to pull request `number`, as someone else would; returns its id.
    pub fn seed(&self, number: u64, body: &str) -> u64 {
        let mut s = self.state.lock().unwrap();
        s.next_id += 1;
        let id = s.next_id;
        s.comments.push((number, id, body.to_string()));
        id
    }

    /// Answers every later request with `status` and an error message.
    pub fn force(&self, status: u16) {
        self.state.lock().unwrap().forced = Some(status);
    }

    /// The comments of pull request `number`: `(id, body)`, in order.
    pub fn comments(&self, number: u64) -> Vec<(u64, String)> {
        let s = self.state.lock().unwrap();
        s.comments.iter().filter(|c| c.0 == number).map(|c| (c.1, c.2.clone())).collect()
    }

    /// The requests so far.
    pub fn log(&self) -> Vec<Request> {
        self.state.lock().unwrap().log.clone()
    }

    fn answer(mut stream: std::net::TcpStream, state: &Mutex<State>) {
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let mut parts = line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
        let (mut length, mut authorization) = (0, None);
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).map_or(true, |n| n <= 2) {
                break;
            }
            let (name, value) = header.trim_end().split_once(':').unwrap_or(("", ""));
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorization = Some(value.trim().to_string()),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        let body = String::from_utf8_lossy(&body).to_string();
        let mut s = state.lock().unwrap();
        s.log.push(Request { method: method.clone(), path: path.clone(), authorization, body: body.clone() });
        let (status, reply) = match s.forced {
            Some(status) => (status, json!({"message": "Resource not accessible by integration"})),
            None => Self::route(&mut s, &method, &path, &body),
        };
        let reply = reply.to_string();
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            reply.len()
        );
        let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(reply.as_bytes()));
    }

    fn route(s: &mut State, method: &str, path: &str, body: &str) -> (u16, Value) {
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        let segments: Vec<&str> = route.trim_start_matches('/').split('/').collect();
        let param = |name: &str| -> usize {
            query.split('&').find_map(|kv| kv.strip_prefix(&format!("{name}="))?.parse().ok()).unwrap_or(0)
        };
        let comment = |(_, id, body): &(u64, u64, String)| json!({"id": id, "body": body});
        match (method, segments.as_slice()) {
            ("GET", ["repos", _, _, "issues", n, "comments"]) => {
                let number: u64 = n.parse().unwrap_or(0);
                let (per_page, page) = (param("per_page").clamp(1, 100), param("page").max(1));
                let mine: Vec<Value> = s.comments.iter().filter(|c| c.0 == number).map(comment).collect();
                let slice: Vec<Value> = mine.into_iter().skip((page - 1) * per_page).take(per_page).collect();
                (200, Value::Array(slice))
            }
            ("POST", ["repos", _, _, "issues", n, "comments"]) => {
                let Ok(request) = serde_json::from_str::<Value>(body) else { return (400, json!({})) };
                s.next_id += 1;
                let id = s.next_id;
                let text = request["body"].as_str().unwrap_or_default().to_string();
                s.comments.push((n.parse().unwrap_or(0), id, text.clone()));
                (201, json!({"id": id, "body": text}))
            }
            ("PATCH", ["repos", _, _, "issues", "comments", id]) => {
                let Ok(request) = serde_json::from_str::<Value>(body) else { return (400, json!({})) };
                let id: u64 = id.parse().unwrap_or(0);
                match s.comments.iter_mut().find(|c| c.1 == id) {
                    Some(c) => {
                        c.2 = request["body"].as_str().unwrap_or_default().to_string();
                        (200, json!({"id": id, "body": c.2}))
                    }
                    None => (404, json!({"message": "Not Found"})),
                }
            }
            _ => (404, json!({"message": "Not Found"})),
        }
    }
}
