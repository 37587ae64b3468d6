//! Snapshots: a binary image of a company's books and reconciliation state, written beside the
//! company database now and then, so that opening a company replays only the batches stored
//! after it instead of the whole history.
//!
//! A snapshot is a cache. The database stays the source of truth: a snapshot that is missing,
//! damaged, of another format version or of another company is set aside and the books are
//! rebuilt by replaying every batch. Reading one therefore never panics; every problem is a
//! [`SnapshotError`].
//!
//! # Layout
//!
//! ```text
//! magic        8 bytes   "STKPSNAP"
//! version      u32 LE    FORMAT_VERSION
//! header_len   u32 LE
//! header       postcard  SnapshotHeader (without the version)
//! body_len     u64 LE
//! checksum     32 bytes  SHA-256 of everything from `version` through `body_len`, then the body
//! body         sections, each a u64 LE length and postcard bytes:
//!              tables (texts, provenances), ledger, item application entries, G/L,
//!              reconciliation
//! ```
//!
//! The header can be read alone ([`read_snapshot_header`]) to decide whether the snapshot is
//! worth decoding. The configuration is not in the snapshot: the caller passes the one whose hash
//! the header names, and the ledger is rebuilt around it.
//!
//! Texts (codes, document numbers, file names) are stored once in a table and named by index;
//! decoding gives each distinct text one shared copy, so the decoded books share their codes as
//! the ledger's interning intends (and the rules' account cache, keyed on code addresses, keeps
//! hitting). Enum fields are stored by variant position: reordering the variants of an entry
//! type, a cost entry type or an account role needs a new [`FORMAT_VERSION`].
//!
//! The ledger's entries and the G/L are separate sections so that they decode on two threads.
//!
//! Not stored: a batch's undo log (a snapshot is taken between batches), the ledger's change
//! tracker (a decoded ledger does not track), and caches that refill themselves.

mod compact;
mod gl_image;
mod input;
mod ledger_image;
mod recon_image;
mod strings;

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::books::Books;
use crate::config::CompanyConfig;
use crate::recon::ReconciliationState;

use input::Input;
use strings::{StringTable, Strings};

/// The first bytes of every snapshot file.
pub const MAGIC: [u8; 8] = *b"STKPSNAP";

/// The layout version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// A header longer than this is damage, not a header.
const MAX_HEADER_LEN: u32 = 64 * 1024;

/// What a snapshot is of: the company, the last batch it includes, and the hashes of the chain,
/// configuration and rule set at that batch (all as the store gives them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotHeader {
    pub format_version: u32,
    pub company_id: String,
    pub batch_id: u64,
    pub chain_hash: String,
    pub config_hash: String,
    pub rule_set_hash: String,
}

/// The header as encoded (the version is outside it, so that it is read before anything else).
#[derive(Serialize, Deserialize)]
struct HeaderFields<'a> {
    company_id: &'a str,
    batch_id: u64,
    chain_hash: &'a str,
    config_hash: &'a str,
    rule_set_hash: &'a str,
}

/// Why a snapshot cannot be used. The caller's answer is the same for all of them (rebuild from
/// the store); the message says which it was.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a stockpost snapshot (the file does not start with the snapshot magic bytes)")]
    NotASnapshot,
    #[error("snapshot format version {found}; this stockpost reads version {supported}")]
    FormatVersion { found: u32, supported: u32 },
    #[error("snapshot is damaged: its checksum does not match its contents")]
    ChecksumMismatch,
    #[error("snapshot is truncated: {detail}")]
    Truncated { detail: String },
    #[error("snapshot cannot be decoded: {detail}")]
    Decode { detail: String },
    #[error("snapshot does not fit the configuration or its own tables: {detail}")]
    DoesNotFit { detail: String },
    #[error("snapshot could not be read: {0}")]
    Io(std::io::Error),
}

/// Writes a snapshot of `books` and `recon` between batches. Refuses (`InvalidInput`) when a
/// batch is open, since its undo log is not part of a snapshot.
pub fn write_snapshot(
    w: &mut impl Write,
    header: &SnapshotHeader,
    books: &Books,
    recon: &ReconciliationState,
) -> std::io::Result<()> {
    let body = encode_snapshot_body(books, recon)?;
    write_encoded_snapshot(w, header, &body)
}

/// The body of a snapshot of `books` and `recon`, for [`write_encoded_snapshot`]: the bulk of
/// the work, which needs no header, so that it can run while the batch it follows is committed.
pub fn encode_snapshot_body(
    books: &Books,
    recon: &ReconciliationState,
) -> std::io::Result<EncodedBody> {
    if books.ledger.is_batch_open() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "cannot snapshot the books while a batch is open",
        ));
    }
    encode_body(books, recon).map(EncodedBody)
}

/// An encoded snapshot body (opaque: only [`write_encoded_snapshot`] writes it): its sections,
/// each already with its length, in file order.
pub struct EncodedBody(Vec<Vec<u8>>);

impl EncodedBody {
    fn len(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }
}

/// Writes a snapshot: the header, the checksum of header and body, the body.
pub fn write_encoded_snapshot(
    w: &mut impl Write,
    header: &SnapshotHeader,
    body: &EncodedBody,
) -> std::io::Result<()> {
    let header_bytes = postcard::to_stdvec(&HeaderFields {
        company_id: &header.company_id,
        batch_id: header.batch_id,
        chain_hash: &header.chain_hash,
        config_hash: &header.config_hash,
        rule_set_hash: &header.rule_set_hash,
    })
    .map_err(encode_error)?;
    let mut prefix = Vec::with_capacity(header_bytes.len() + 16);
    prefix.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    prefix.extend_from_slice(&(header_bytes.len() as u32).to_le_bytes());
    prefix.extend_from_slice(&header_bytes);
    prefix.extend_from_slice(&(body.len() as u64).to_le_bytes());
    let mut checksum = Sha256::new().chain_update(&prefix);
    for section in &body.0 {
        checksum.update(section);
    }
    w.write_all(&MAGIC)?;
    w.write_all(&prefix)?;
    w.write_all(&checksum.finalize())?;
    for section in &body.0 {
        w.write_all(section)?;
    }
    w.flush()
}

/// The body: sections, each a little-endian u64 length and its postcard bytes, in the order of
/// [`Section`]. The tables come first; the sections after them name texts by index and decode
/// side by side. Each section's image is encoded to bytes as soon as it is built and dropped
/// then, so that the images of all sections are never in memory together, and the sections are
/// never copied into one buffer (the snapshot of a million movements held the books, every
/// image and a 446 MB body at once).
fn encode_body(books: &Books, recon: &ReconciliationState) -> std::io::Result<Vec<Vec<u8>>> {
    let mut table = StringTable::default();
    let ledger = section(&ledger_image::encode_ledger(&books.ledger, &mut table))?;
    let applications = section(&ledger_image::encode_applications(&books.ledger))?;
    let general_ledger = section(&gl_image::encode_general_ledger(
        &books.general_ledger,
        &mut table,
    ))?;
    let reconciliation = section(&recon_image::encode_reconciliation(recon, &mut table))?;
    let tables = section(&table.into_tables())?;
    Ok(vec![
        tables,
        ledger,
        applications,
        general_ledger,
        reconciliation,
    ])
}

/// One section: its length (u64, little-endian) and its postcard bytes.
fn section(value: &impl Serialize) -> std::io::Result<Vec<u8>> {
    let mut bytes = postcard::to_extend(value, vec![0; 8]).map_err(encode_error)?;
    let len = (bytes.len() - 8) as u64;
    bytes[..8].copy_from_slice(&len.to_le_bytes());
    bytes.shrink_to_fit();
    Ok(bytes)
}

/// The sections of the body, in order.
#[derive(Debug, Clone, Copy)]
enum Section {
    Tables,
    Ledger,
    Applications,
    GeneralLedger,
    Reconciliation,
}

const SECTIONS: [Section; 5] = [
    Section::Tables,
    Section::Ledger,
    Section::Applications,
    Section::GeneralLedger,
    Section::Reconciliation,
];

/// Splits the body into its sections.
fn split_sections(mut body: &[u8]) -> Result<[&[u8]; 5], SnapshotError> {
    let mut sections = [&body[..0]; 5];
    for (slot, section) in sections.iter_mut().zip(SECTIONS) {
        let fits = body.len() >= 8;
        let len = fits.then(|| u64::from_le_bytes(body[..8].try_into().expect("8 bytes")));
        match len.filter(|&len| len <= (body.len() - 8) as u64) {
            Some(len) => {
                *slot = &body[8..8 + len as usize];
                body = &body[8 + len as usize..];
            }
            None => {
                return Err(SnapshotError::Decode {
                    detail: format!("the {section:?} section does not fit in the body"),
                })
            }
        }
    }
    if !body.is_empty() {
        return Err(SnapshotError::Decode {
            detail: format!("{} bytes follow the last section", body.len()),
        });
    }
    Ok(sections)
}

fn encode_error(error: postcard::Error) -> std::io::Error {
    std::io::Error::other(format!("snapshot encoding failed: {error}"))
}

/// Reads the header only (cheap: the body is neither read nor checked), so that the caller can
/// compare company, batch and hashes before decoding.
pub fn read_snapshot_header(r: &mut impl Read) -> Result<SnapshotHeader, SnapshotError> {
    read_prefix(r).map(|(header, _)| header)
}

/// Reads and checks a whole snapshot, and rebuilds the books around `config` (the configuration
/// whose hash the header names) and the reconciliation state.
pub fn read_snapshot(
    r: &mut impl Read,
    config: CompanyConfig,
) -> Result<(SnapshotHeader, Books, ReconciliationState), SnapshotError> {
    let (header, mut hasher) = read_prefix(r)?;
    let body_len = u64::from_le_bytes(read_array(r, &mut hasher, "body length")?);
    let mut checksum = [0u8; 32];
    read_exact(r, &mut checksum, "checksum")?;
    let mut body = Vec::new();
    // Room for the whole body at once (a 300 MB body grown by doubling costs a tenth of a second
    // of copying); a damaged length that cannot be reserved just reads without reserving.
    let _ = body.try_reserve_exact(usize::try_from(body_len).unwrap_or(usize::MAX));
    r.take(body_len)
        .read_to_end(&mut body)
        .map_err(SnapshotError::Io)?;
    if (body.len() as u64) < body_len {
        return Err(SnapshotError::Truncated {
            detail: format!("the body has {} of its {body_len} bytes", body.len()),
        });
    }
    hasher.update(&body);
    if hasher.finalize().as_slice() != checksum {
        return Err(SnapshotError::ChecksumMismatch);
    }
    let (books, recon) = decode_body(&body, config)?;
    Ok((header, books, recon))
}

/// Decodes the sections; the ledger's entries and the G/L (with the application entries) are
/// decoded on two threads, as they are the bulk of the work and independent.
fn decode_body(
    bytes: &[u8],
    config: CompanyConfig,
) -> Result<(Books, ReconciliationState), SnapshotError> {
    let [tables, ledger, applications, general_ledger, reconciliation] = split_sections(bytes)?;
    let (texts, provenances): (Vec<&str>, Vec<[u32; 4]>) =
        whole_section(tables, Section::Tables, |input| {
            input::next(input, "tables")
        })?;
    let strings = Strings::new(&texts, &provenances)?;
    drop(texts);
    let (tables, other) = std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            let applications = whole_section(
                applications,
                Section::Applications,
                ledger_image::decode_applications,
            )?;
            let general_ledger = whole_section(general_ledger, Section::GeneralLedger, |input| {
                gl_image::decode_general_ledger(input, &strings)
            })?;
            Ok::<_, SnapshotError>((applications, general_ledger))
        });
        let tables = whole_section(ledger, Section::Ledger, |input| {
            ledger_image::decode_ledger_tables(input, &strings)
        });
        let other = other.join().unwrap_or_else(|_| {
            Err(SnapshotError::Decode {
                detail: "the G/L decoder stopped".to_string(),
            })
        });
        (tables, other)
    });
    let (applications, general_ledger) = other?;
    let ledger = ledger_image::assemble_ledger(tables?, applications, config)?;
    gl_image::check_general_ledger(&general_ledger, &ledger)?;
    let books = Books {
        ledger,
        general_ledger,
    };
    let recon = whole_section(reconciliation, Section::Reconciliation, |input| {
        recon_image::decode_reconciliation(input, &strings, &books)
    })?;
    Ok((books, recon))
}

/// Decodes a section with `decode`, which must read all of it.
fn whole_section<'de, T>(
    bytes: &'de [u8],
    section: Section,
    decode: impl FnOnce(&mut Input<'de>) -> Result<T, SnapshotError>,
) -> Result<T, SnapshotError> {
    let mut input = Input::from_bytes(bytes);
    let value = decode(&mut input)?;
    match input.finalize() {
        Ok([]) => Ok(value),
        Ok(rest) => Err(SnapshotError::Decode {
            detail: format!("{} bytes follow the {section:?} section", rest.len()),
        }),
        Err(error) => Err(SnapshotError::Decode {
            detail: format!("{section:?} section: {error}"),
        }),
    }
}

/// Reads magic, version and header; returns the hasher fed with what the checksum covers so far.
fn read_prefix(r: &mut impl Read) -> Result<(SnapshotHeader, Sha256), SnapshotError> {
    let mut magic = [0u8; MAGIC.len()];
    let read = read_up_to(r, &mut magic)?;
    if magic[..read] != MAGIC[..read] {
        return Err(SnapshotError::NotASnapshot);
    }
    if read < MAGIC.len() {
        return Err(SnapshotError::Truncated {
            detail: format!("the file has {read} bytes, fewer than the magic bytes"),
        });
    }
    let mut hasher = Sha256::new();
    let version = u32::from_le_bytes(read_array(r, &mut hasher, "format version")?);
    if version != FORMAT_VERSION {
        return Err(SnapshotError::FormatVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let header_len = u32::from_le_bytes(read_array(r, &mut hasher, "header length")?);
    if header_len > MAX_HEADER_LEN {
        return Err(SnapshotError::Decode {
            detail: format!("header length {header_len} is over {MAX_HEADER_LEN}"),
        });
    }
    let mut header_bytes = vec![0u8; header_len as usize];
    read_exact(r, &mut header_bytes, "header")?;
    hasher.update(&header_bytes);
    let fields: HeaderFields<'_> =
        postcard::from_bytes(&header_bytes).map_err(|error| SnapshotError::Decode {
            detail: format!("header: {error}"),
        })?;
    let header = SnapshotHeader {
        format_version: version,
        company_id: fields.company_id.to_string(),
        batch_id: fields.batch_id,
        chain_hash: fields.chain_hash.to_string(),
        config_hash: fields.config_hash.to_string(),
        rule_set_hash: fields.rule_set_hash.to_string(),
    };
    Ok((header, hasher))
}

fn read_array<const N: usize>(
    r: &mut impl Read,
    hasher: &mut Sha256,
    what: &str,
) -> Result<[u8; N], SnapshotError> {
    let mut bytes = [0u8; N];
    read_exact(r, &mut bytes, what)?;
    hasher.update(bytes);
    Ok(bytes)
}

fn read_exact(r: &mut impl Read, buffer: &mut [u8], what: &str) -> Result<(), SnapshotError> {
    r.read_exact(buffer).map_err(|error| match error.kind() {
        std::io::ErrorKind::UnexpectedEof => SnapshotError::Truncated {
            detail: format!("the file ends inside the {what}"),
        },
        _ => SnapshotError::Io(error),
    })
}

/// Reads until `buffer` is full or the input ends; returns how much was read.
fn read_up_to(r: &mut impl Read, buffer: &mut [u8]) -> Result<usize, SnapshotError> {
    let mut filled = 0;
    while filled < buffer.len() {
        match r.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(SnapshotError::Io(error)),
        }
    }
    Ok(filled)
}
