//! The fields of each kind of proof, listed once. The issuing form and its page, the API,
//! the bulk file's columns, the stored and signed facts and the printed proof all read
//! these lists.

use super::attestation_kind::AttestationKind;
use super::fields::Limit;
use super::party_kind::PartyKind;

/// How a fact is typed, checked and stored.
#[derive(Debug, Clone, Copy)]
pub enum Input {
    /// Free text within a limit; stored as a string.
    Text(Limit),
    /// A `YYYY-MM-DD` date under a rule; stored as a string.
    Date(DateRule),
    /// One of a list; stored as the chosen value.
    Choice(&'static Choice),
    /// Yes or no, shown as 是 / 否; stored as a boolean.
    YesNo,
}

/// What a date must respect besides being a date.
#[derive(Debug, Clone, Copy)]
pub enum DateRule {
    Any,
    /// Not after the day of issue (one cannot attest the future).
    NotFuture,
    /// Not before the date of the named field.
    NotBefore(&'static str),
}

/// The values of a choice, shown as the labels `{prefix}.{value}`.
#[derive(Debug)]
pub struct Choice {
    pub prefix: &'static str,
    pub values: &'static [&'static str],
    pub for_party: Option<PartyRule>,
}

/// The values of a choice a kind of party may choose, and the message when it chooses
/// another.
#[derive(Debug, Clone, Copy)]
pub struct PartyRule {
    pub allowed: fn(PartyKind) -> &'static [&'static str],
    pub refused: &'static str,
}

/// The two answers of a yes-or-no fact, and the prefix of their labels.
pub const YES_NO: (&str, &[&str]) = ("fact", &["yes", "no"]);

impl Input {
    /// The label prefix and values of a choice or a yes-or-no fact.
    pub fn choices(self) -> Option<(&'static str, &'static [&'static str])> {
        match self {
            Input::Choice(c) => Some((c.prefix, c.values)),
            Input::YesNo => Some(YES_NO),
            Input::Text(_) | Input::Date(_) => None,
        }
    }

    /// The message of a required field left empty: choose one, or fill it in.
    pub fn missing_message(self) -> &'static str {
        match self.choices() {
            Some(_) => "error.choose",
            None => "error.required",
        }
    }

    /// The HTML input type of a typed field.
    pub fn html_type(self) -> &'static str {
        match self {
            Input::Date(_) => "date",
            _ => "text",
        }
    }
}

/// One fact of a kind of proof.
#[derive(Debug)]
pub struct FactField {
    /// Its name in the form, the API, the token and the bulk file.
    pub name: &'static str,
    /// The message key of its label on the printed proof.
    pub label: &'static str,
    /// The message key of its label on the issuing form.
    pub form_label: &'static str,
    pub required: bool,
    pub input: Input,
    /// What the printed proof says when an optional fact is left out.
    pub when_absent: Option<&'static str>,
    /// Whether the applicant types it when asking for a proof (a request link): what the
    /// person knows; the rest is the issuer's to fill in.
    pub asked_of_applicant: bool,
}

impl FactField {
    /// The label prefix and the values a `party` may choose, for a choice or yes-or-no.
    pub fn choices_for(&self, party: PartyKind) -> Option<(&'static str, &'static [&'static str])> {
        match self.input {
            Input::Choice(Choice {
                prefix,
                for_party: Some(rule),
                ..
            }) => Some((prefix, (rule.allowed)(party))),
            input => input.choices(),
        }
    }
}

macro_rules! fact {
    ($name:ident, $required:expr, $input:expr) => {
        FactField {
            name: stringify!($name),
            label: concat!("fact.", stringify!($name)),
            form_label: concat!("fact.", stringify!($name)),
            required: $required,
            input: $input,
            when_absent: None,
            asked_of_applicant: false,
        }
    };
    (asked $name:ident, $required:expr, $input:expr) => {
        FactField {
            asked_of_applicant: true,
            ..fact!($name, $required, $input)
        }
    };
}

const HOUSING_BASIS: Choice = Choice {
    prefix: "housing",
    values: &["lease", "owned", "dormitory", "committee"],
    for_party: Some(PartyRule {
        allowed: housing_bases_for,
        refused: "error.housing_basis.party",
    }),
};

const CONTRACT_TYPE: Choice = Choice {
    prefix: "contract",
    values: &["fixed_term", "open_ended", "other"],
    for_party: None,
};

/// The housing bases a party of `party` may attest: employers and schools their own
/// dormitories, lessors a lease or their own housing, committees any basis.
pub fn housing_bases_for(party: PartyKind) -> &'static [&'static str] {
    match party {
        PartyKind::Lessor => &["lease", "owned"],
        PartyKind::Employer | PartyKind::School => &["dormitory"],
        PartyKind::ResidentsCommittee | PartyKind::VillagersCommittee => HOUSING_BASIS.values,
    }
}

/// Proof of residence (住宿证明 / 居住证明).
const RESIDENCE: &[FactField] = &[
    fact!(asked address, true, Input::Text(Limit::Chars200)),
    fact!(housing_basis, true, Input::Choice(&HOUSING_BASIS)),
    fact!(asked residing_since, true, Input::Date(DateRule::NotFuture)),
    fact!(
        lease_end,
        false,
        Input::Date(DateRule::NotBefore("residing_since"))
    ),
    fact!(lease_registration_no, false, Input::Text(Limit::Chars50)),
];

/// Proof of employment (在职证明 / 劳动关系证明).
const EMPLOYMENT: &[FactField] = &[
    fact!(asked position, true, Input::Text(Limit::Chars50)),
    fact!(asked department, false, Input::Text(Limit::Chars50)),
    fact!(asked employed_since, true, Input::Date(DateRule::NotFuture)),
    fact!(contract_type, true, Input::Choice(&CONTRACT_TYPE)),
    FactField {
        form_label: "fact.employed_until_optional",
        when_absent: Some("fact.still_employed"),
        ..fact!(
            employed_until,
            false,
            Input::Date(DateRule::NotBefore("employed_since"))
        )
    },
];

/// Proof of attendance (在读证明).
const ATTENDANCE: &[FactField] = &[
    fact!(asked student_number, true, Input::Text(Limit::Chars50)),
    fact!(asked programme, true, Input::Text(Limit::Chars100)),
    fact!(level, true, Input::Text(Limit::Chars50)),
    fact!(asked enrolled_since, true, Input::Date(DateRule::NotFuture)),
    fact!(
        expected_completion,
        true,
        Input::Date(DateRule::NotBefore("enrolled_since"))
    ),
    fact!(full_time, true, Input::YesNo),
];

impl AttestationKind {
    /// The facts a `self` proof states, in the order of the form and the printed proof.
    pub fn fact_fields(self) -> &'static [FactField] {
        match self {
            Self::Residence => RESIDENCE,
            Self::Employment => EMPLOYMENT,
            Self::Attendance => ATTENDANCE,
        }
    }
}
