//! The conditions of Article 9 of the Provisional Regulations on Residence Permit, checked
//! at the desk against the proofs an applicant hands in: residence, and one of employment,
//! attendance or six months' residence; the items the officer sees for themselves; and for
//! the yearly endorsement (签注), a residence proof in force. Also the six-month count.

use super::{AttestationKind, PartyKind, ProofStatus};
use chrono::NaiveDate;

/// What the applicant applies for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum ApplicationKind {
    /// 申领: the first permit.
    First,
    /// 签注: the yearly endorsement.
    Endorsement,
}

impl ApplicationKind {
    /// Every kind, in the order the form offers them.
    pub const ALL: [ApplicationKind; 2] = [Self::First, Self::Endorsement];

    /// The stored and submitted value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::First => "first",
            Self::Endorsement => "endorsement",
        }
    }

    /// Parses the stored or submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

pub use super::residence_span::{span_of, ResidenceSpan};

/// A proof on file, as the checklist reads it.
#[derive(Debug, Clone)]
pub struct ProofOnFile {
    /// What the line names (the proof's code and issuer).
    pub label: String,
    pub kind: AttestationKind,
    pub issuer: PartyKind,
    pub status: ProofStatus,
    /// Residence proofs: the address and the day the applicant moved in.
    pub address: Option<String>,
    pub residing_since: Option<NaiveDate>,
    pub housing_basis: Option<String>,
}

impl ProofOnFile {
    /// In force on the day checked.
    fn in_force(&self) -> bool {
        matches!(self.status, ProofStatus::Active | ProofStatus::Expiring)
    }

    /// Would count, but the officer must look first (flagged suspect, or not yet begun).
    fn doubtful(&self) -> bool {
        matches!(self.status, ProofStatus::Suspect | ProofStatus::NotYetValid)
    }

    /// A proof of residence the regulations accept: from a lessor or a committee, or an
    /// employer's or a school's for its dormitory.
    fn is_residence(&self) -> bool {
        self.kind == AttestationKind::Residence
            && match self.issuer {
                PartyKind::Lessor
                | PartyKind::ResidentsCommittee
                | PartyKind::VillagersCommittee => true,
                PartyKind::Employer | PartyKind::School => {
                    self.housing_basis.as_deref() == Some("dormitory")
                }
            }
    }
}

/// What the officer has seen for themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeskChecks {
    pub identity_card_seen: bool,
    pub photograph_taken: bool,
    pub form_signed: bool,
}

/// One condition of the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// A proof of residence in force.
    Residence,
    /// Employment, attendance, or six months' residence.
    Basis,
    IdentityCard,
    Photograph,
    ApplicationForm,
}

impl Item {
    /// The stored value, also the stem of its message keys (`article9.<item>.…`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Residence => "residence",
            Self::Basis => "basis",
            Self::IdentityCard => "identity_card",
            Self::Photograph => "photograph",
            Self::ApplicationForm => "application_form",
        }
    }
}

/// Where a line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineState {
    Met,
    Missing,
    /// A proof would satisfy it, but is suspect or not yet valid.
    NeedsLook,
}

impl LineState {
    /// The stored value and message key stem.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::Missing => "missing",
            Self::NeedsLook => "needs_look",
        }
    }
}

/// How the line was satisfied, or what it waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Satisfied {
    /// By the proof so labelled.
    Proof(String),
    /// By six months' residence, counted from this proof.
    SixMonths(String),
    /// Ticked by the officer.
    Seen,
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub item: Item,
    pub state: LineState,
    pub by: Option<Satisfied>,
}

/// The checklist of one application on one day.
#[derive(Debug, Clone)]
pub struct Checklist {
    pub lines: Vec<Line>,
    /// The residence so far, from the residence proof in force (or in doubt).
    pub span: Option<ResidenceSpan>,
}

impl Checklist {
    /// Every condition met.
    pub fn complete(&self) -> bool {
        self.lines.iter().all(|l| l.state == LineState::Met)
    }

    /// The lines not met: what a one-time notice lists.
    pub fn missing(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(|l| l.state != LineState::Met)
    }

    /// What a one-time notice lists: each item not met, and for the basis the day six
    /// months of residence are reached when they are not yet.
    pub fn notice_items(&self) -> Vec<NoticeItem> {
        let pending = self.span.filter(|s| !s.reached).map(|s| s.reached_on);
        self.missing()
            .map(|l| NoticeItem {
                item: l.item,
                six_months_on: pending.filter(|_| l.item == Item::Basis),
            })
            .collect()
    }

    /// The application's state by this list: complete, needs a look, or incomplete.
    pub fn state(&self) -> ApplicationState {
        if self.complete() {
            ApplicationState::Complete
        } else if self.lines.iter().any(|l| l.state == LineState::Missing) {
            ApplicationState::Incomplete
        } else {
            ApplicationState::NeedsLook
        }
    }
}

/// One item of a one-time notice (一次性告知书), as stored with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoticeItem {
    pub item: Item,
    /// The day six months of residence will be reached (the basis item only).
    pub six_months_on: Option<NaiveDate>,
}

/// What an application is, as its list filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationState {
    Complete,
    Incomplete,
    NeedsLook,
    /// The permit was issued or endorsed (办结).
    Closed,
}

impl ApplicationState {
    /// Every state, in the order the filter offers them.
    pub const ALL: [ApplicationState; 4] = [
        Self::Incomplete,
        Self::NeedsLook,
        Self::Complete,
        Self::Closed,
    ];

    /// The submitted value and message key stem.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::Incomplete => "incomplete",
            Self::NeedsLook => "needs_look",
            Self::Closed => "closed",
        }
    }

    /// Parses the submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The first proof of `proofs` that `fits`: one in force, else one in doubt.
fn best(proofs: &[ProofOnFile], fits: impl Fn(&ProofOnFile) -> bool) -> Option<&ProofOnFile> {
    let fitting = || proofs.iter().filter(|p| fits(p));
    fitting()
        .find(|p| p.in_force())
        .or_else(|| fitting().find(|p| p.doubtful()))
}

fn state_of(p: &ProofOnFile) -> LineState {
    if p.in_force() {
        LineState::Met
    } else {
        LineState::NeedsLook
    }
}

fn same_address(a: &str, b: &str) -> bool {
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    squeeze(a) == squeeze(b)
}

/// The checklist of an application of `kind` with `proofs` and `checks` on `today`.
pub fn evaluate(
    kind: ApplicationKind,
    proofs: &[ProofOnFile],
    checks: DeskChecks,
    today: NaiveDate,
) -> Checklist {
    let residence = best(proofs, ProofOnFile::is_residence);
    // The count runs from the earliest move-in among the residence proofs of that address
    // (a renewal, or an earlier landlord's proof of the same room).
    let span = residence.and_then(|r| {
        let address = r.address.as_deref().unwrap_or_default();
        proofs
            .iter()
            .filter(|p| p.is_residence())
            .filter(|p| same_address(p.address.as_deref().unwrap_or_default(), address))
            .filter_map(|p| p.residing_since)
            .min()
            .and_then(|since| ResidenceSpan::new(since, today))
    });
    let mut lines = vec![Line {
        item: Item::Residence,
        state: residence.map_or(LineState::Missing, state_of),
        by: residence.map(|p| Satisfied::Proof(p.label.clone())),
    }];
    if kind == ApplicationKind::First {
        lines.push(basis_line(proofs, residence, span));
    }
    let mut seen = vec![
        (Item::IdentityCard, checks.identity_card_seen),
        (Item::ApplicationForm, checks.form_signed),
    ];
    if kind == ApplicationKind::First {
        seen.insert(1, (Item::Photograph, checks.photograph_taken));
    }
    lines.extend(seen.into_iter().map(|(item, ticked)| Line {
        item,
        state: if ticked {
            LineState::Met
        } else {
            LineState::Missing
        },
        by: ticked.then_some(Satisfied::Seen),
    }));
    Checklist { lines, span }
}

/// Employment or attendance in force, or six months at the residence of `residence`.
fn basis_line(
    proofs: &[ProofOnFile],
    residence: Option<&ProofOnFile>,
    span: Option<ResidenceSpan>,
) -> Line {
    let work_or_school = best(proofs, |p| {
        matches!(
            p.kind,
            AttestationKind::Employment | AttestationKind::Attendance
        )
    });
    if let Some(p) = work_or_school.filter(|p| p.in_force()) {
        return Line {
            item: Item::Basis,
            state: LineState::Met,
            by: Some(Satisfied::Proof(p.label.clone())),
        };
    }
    if let (Some(r), Some(_)) = (residence, span.filter(|s| s.reached)) {
        return Line {
            item: Item::Basis,
            state: state_of(r),
            by: Some(Satisfied::SixMonths(r.label.clone())),
        };
    }
    Line {
        item: Item::Basis,
        state: work_or_school.map_or(LineState::Missing, state_of),
        by: work_or_school.map(|p| Satisfied::Proof(p.label.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn residence(since: &str, status: ProofStatus) -> ProofOnFile {
        ProofOnFile {
            label: format!("R {since}"),
            kind: AttestationKind::Residence,
            issuer: PartyKind::Lessor,
            status,
            address: Some("北京市朝阳区 1 号 101".into()),
            residing_since: Some(day(since)),
            housing_basis: Some("lease".into()),
        }
    }

    fn employment(status: ProofStatus) -> ProofOnFile {
        ProofOnFile {
            label: "E".into(),
            kind: AttestationKind::Employment,
            issuer: PartyKind::Employer,
            status,
            address: None,
            residing_since: None,
            housing_basis: None,
        }
    }

    const ALL_SEEN: DeskChecks = DeskChecks {
        identity_card_seen: true,
        photograph_taken: true,
        form_signed: true,
    };

    #[test]
    fn residence_and_employment_are_complete() {
        let proofs = [
            residence("2026-04-01", ProofStatus::Active),
            employment(ProofStatus::Active),
        ];
        let list = evaluate(ApplicationKind::First, &proofs, ALL_SEEN, day("2026-12-03"));
        assert!(list.complete());
        assert_eq!(list.lines[1].by, Some(Satisfied::Proof("E".into())));
    }

    #[test]
    fn six_months_alone_are_a_basis_four_are_not() {
        let today = day("2026-12-03");
        let long = [residence("2026-04-01", ProofStatus::Active)];
        let list = evaluate(ApplicationKind::First, &long, ALL_SEEN, today);
        assert!(list.complete());
        assert!(matches!(list.lines[1].by, Some(Satisfied::SixMonths(_))));
        let short = [residence("2026-08-03", ProofStatus::Active)];
        let list = evaluate(ApplicationKind::First, &short, DeskChecks::default(), today);
        let missing: Vec<Item> = list.missing().map(|l| l.item).collect();
        assert_eq!(
            missing,
            [
                Item::Basis,
                Item::IdentityCard,
                Item::Photograph,
                Item::ApplicationForm
            ]
        );
        assert_eq!(list.span.unwrap().reached_on, day("2027-02-03"));
        assert_eq!(list.state(), ApplicationState::Incomplete);
    }

    #[test]
    fn the_earliest_proof_of_the_same_address_starts_the_count() {
        let proofs = [
            residence("2026-09-01", ProofStatus::Active),
            residence("2026-03-01", ProofStatus::Superseded),
        ];
        let list = evaluate(ApplicationKind::First, &proofs, ALL_SEEN, day("2026-12-03"));
        assert_eq!(list.span.unwrap().since, day("2026-03-01"));
        assert!(list.complete());
    }

    #[test]
    fn a_suspect_proof_needs_a_look_and_an_ended_one_is_missing() {
        let today = day("2026-12-03");
        let proofs = [
            residence("2026-04-01", ProofStatus::Suspect),
            employment(ProofStatus::Revoked),
        ];
        let list = evaluate(ApplicationKind::First, &proofs, ALL_SEEN, today);
        assert_eq!(list.lines[0].state, LineState::NeedsLook);
        assert_eq!(
            list.lines[1].state,
            LineState::NeedsLook,
            "six months, in doubt"
        );
        assert_eq!(list.state(), ApplicationState::NeedsLook);
    }

    #[test]
    fn the_endorsement_asks_for_residence_in_force() {
        let today = day("2026-12-03");
        let expired = [residence("2025-01-01", ProofStatus::Expired)];
        let list = evaluate(ApplicationKind::Endorsement, &expired, ALL_SEEN, today);
        assert_eq!(list.lines[0].state, LineState::Missing);
        assert!(!list.complete());
        assert!(list.lines.iter().all(|l| l.item != Item::Basis));
        let valid = [residence("2025-01-01", ProofStatus::Expiring)];
        assert!(evaluate(ApplicationKind::Endorsement, &valid, ALL_SEEN, today).complete());
    }

    #[test]
    fn a_dormitory_is_residence_only_from_an_employer_or_school() {
        let mut p = residence("2026-01-01", ProofStatus::Active);
        p.issuer = PartyKind::Employer;
        p.housing_basis = Some("dormitory".into());
        assert!(p.is_residence());
        p.housing_basis = Some("lease".into());
        assert!(!p.is_residence());
    }
}
