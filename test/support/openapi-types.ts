/* Generated from the served /docs-json by openapi-typescript: do not edit. Regenerate with npm run openapi:types. */
export interface paths {
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Readiness and liveness in one answer (200 when every dependency answers, 503 otherwise)
     * @description Anyone may call it and gets `{"status": …}` only. With `Authorization: Bearer <api key | JWT>` of a principal holding the role operator or auditor (admin holds every role), the answer also has the profile, the checks (the event store's head position among them) and the components; any other principal gets the bare status (never 403). Credentials that do not authenticate are refused 401 as on every other endpoint, and spend the client address's failed-authentication budget (429 once it is spent); without credentials nothing is ever limited.
     */
    get: operations['getHealth'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/live': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness: the process serves HTTP */
    get: operations['getLiveness'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Readiness: 200 when every dependency answers, 503 otherwise
     * @description Anyone may call it and gets `{"status": …}` only. With `Authorization: Bearer <api key | JWT>` of a principal holding the role operator or auditor (admin holds every role), the answer also has the profile, the checks (the event store's head position among them) and the components; any other principal gets the bare status (never 403). Credentials that do not authenticate are refused 401 as on every other endpoint, and spend the client address's failed-authentication budget (429 once it is spent); without credentials nothing is ever limited.
     */
    get: operations['getReadiness'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Prometheus metrics (text exposition format) */
    get: operations['getMetrics'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/audit/bundles': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A signed audit bundle of a session (with its subject) or a subject (with its sessions)
     * @description The file `kyc-ledger export` writes (canonical JSON), verified offline by `kyc-ledger verify-bundle` with the public key alone. Signs a checkpoint first when none covers the records yet; personal data stays encrypted. Give exactly one of session or subject.
     */
    get: operations['exportAuditBundle'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/audit/checkpoints/latest': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The latest signed checkpoint: Merkle root, range, signature and public key */
    get: operations['getLatestCheckpoint'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/audit/proofs/{eventId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Inclusion proof of one event in a signed checkpoint (RFC 9162 audit path) */
    get: operations['getInclusionProof'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/audit/verification': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Verify hash chains (one stream or all) and every signed checkpoint */
    get: operations['verifyLedger'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/insights/kpis': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** KPIs per UTC day and group (country, device class, document type or vendor), with filters */
    get: operations['getInsightsKpis'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The authenticated principal and its roles */
    get: operations['getMe'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/notices': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The privacy notices a consent may name, with their hashes */
    get: operations['listNotices'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/policy-lab/calibration': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Vendor confidence scores against final outcomes, per vendor, check kind and country; a threshold finder
     * @description Reads every verification event of the log on each request (paged, yielding between pages): its cost grows with the log, like a replay’s.
     */
    get: operations['getPolicyCalibration'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/policy-lab/outcomes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Pass rate and valid pass rate (approvals not later overturned, hit or found duplicate) by cohort */
    get: operations['getOutcomeQuality'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/policy-lab/replays': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Replay recorded decisions under a candidate policy (a background job); never writes a decision */
    post: operations['startPolicyReplay'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/policy-lab/replays/{replayId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A replay’s progress and report (partial while running) */
    get: operations['getPolicyReplay'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/policy-lab/shadow': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Deltas of each shadow policy against the live decisions (never a decision) */
    get: operations['getShadowSummary'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projections/parked': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Events the projections parked, in ledger order */
    get: operations['listParkedEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projections/parked/{id}/retry': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Apply a parked event again once its cause is fixed (rebuilds its projection online) */
    post: operations['retryParkedEvent'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/review-queue': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Pending reviews in triage order (priority, SLA due time, age), with assignee and SLA breach */
    get: operations['listReviewQueue'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/subjects/{subjectId}/consents': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Consents in force, the consent covering each scope, and the consent history */
    get: operations['getSubjectConsents'];
    put?: never;
    /** Record a consent (scopes, notice version, locale, channel) */
    post: operations['grantConsent'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/subjects/{subjectId}/consents/{consentId}/withdrawal': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Withdraw a consent (as easy as granting it) */
    post: operations['withdrawConsent'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/subjects/{subjectId}/erasure-requests': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Erasure request (GDPR Art. 17): erase what no obligation keeps, restrict the rest
     * @description 503 read_model_behind: the retention read model did not catch up in time (Retry-After); nothing changed.
     */
    post: operations['requestErasure'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/subjects/{subjectId}/erasure-requests/{requestId}/release': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Release an erasure request's restriction on processing, so the person can consent again
     * @description Only the erasure request that restricts processing now can be released. Processing does not resume with the release: a consent recorded after it, with evidence of the person's action, lifts the restriction for the scopes it covers. Erased data stays erased; restricted data stays restricted until shredded.
     */
    post: operations['releaseErasureRestriction'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/subjects/{subjectId}/legal-holds': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Place a legal hold: nothing of the subject is shredded while it holds */
    post: operations['placeLegalHold'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/subjects/{subjectId}/legal-holds/{holdId}/release': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Release a legal hold */
    post: operations['releaseLegalHold'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/subjects/{subjectId}/personal-data': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Decrypted personal data of a subject; the read is recorded as an event first */
    get: operations['readPersonalData'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/subjects/{subjectId}/relationship-end': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Record (or, with correction: true, correct) the end of the business relationship
     * @description AML retention runs from here. 404 subject_not_found for a subject the ledger knows nothing of; 422 relationship_end_before_start or relationship_end_backdated_too_far for an end dated too far back.
     */
    post: operations['endRelationship'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/subjects/{subjectId}/retention': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Each data class: status, legal basis, due date, holds, restriction */
    get: operations['getSubjectRetention'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/subjects/{subjectId}/timeline': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Audit timeline of a subject: its own events and those of its verifications */
    get: operations['getSubjectTimeline'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List verifications by subject, status, jurisdiction, policy, creation time or pending override (newest first) */
    get: operations['listVerifications'];
    put?: never;
    /**
     * Start a verification session (needs consent in force for identity_verification)
     * @description While the subject has an undecided session for the same jurisdiction and segment, that session is returned with `reused: true` instead of a new one being created (retries and back-button navigation never create duplicate attempts); send `newAttempt: true` to start another on purpose.
     */
    post: operations['startVerification'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications/{sessionId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Status of a verification (read model; X-Min-Position to read your own write) */
    get: operations['getVerification'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications/{sessionId}/capture': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Capture started (first attempt, or the next one after a resubmission request) */
    post: operations['startCapture'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications/{sessionId}/evidence': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Evidence reference, with extracted attributes (encrypted, never logged) */
    post: operations['submitEvidence'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications/{sessionId}/explanation': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Why approved or rejected, each statement citing the event that proves it
     * @description Decision, policy and rule trace, vendor results, reviews, overrides and consent, each with the ledger event that proves it (checkable against the chain and a signed checkpoint).
     */
    get: operations['explainVerification'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications/{sessionId}/overrides': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Request an override of a final decision (needs another person’s approval) */
    post: operations['requestOverride'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications/{sessionId}/overrides/{overrideId}/approval': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Approve an override: a senior reviewer other than the requester (four-eyes) */
    post: operations['approveOverride'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications/{sessionId}/overrides/{overrideId}/rejection': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Reject an override request (same four-eyes rules) */
    post: operations['rejectOverride'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications/{sessionId}/review/assignment': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Assign a reviewer (default: the caller). Claiming an unassigned review for oneself is any reviewer’s; taking it from its assignee or assigning someone else is a senior reviewer’s, and the assignee must be a principal who may review */
    post: operations['assignReviewer'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications/{sessionId}/review/decision': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Decide a review with reason codes and an optional note (personal data) */
    post: operations['decideReview'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications/{sessionId}/timeline': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Audit timeline of a verification and its subject: actor, action, reason codes, policy hash, hashes */
    get: operations['getVerificationTimeline'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications/{sessionId}/vendor-results': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A normalised vendor result; a repeated vendorEventId has no effect */
    post: operations['recordVendorResult'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/verifications/{sessionId}/vendor-session': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Open or reuse the vendor session; the client token or URL is in this answer only */
    post: operations['openVendorSession'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks/{vendor}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A signed vendor callback: 200 when recorded, duplicate or ignored; 202 when parked; 401 unsigned */
    post: operations['receiveWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks/parked': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Parked webhook deliveries, newest first (no payload values) */
    get: operations['listParkedDeliveries'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhooks/parked/{id}/replay': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Replay a delivery that waited for its session: recorded once the session is known */
    post: operations['replayParkedDelivery'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    ActorView: {
      id: string;
      /** @enum {string} */
      kind: 'user' | 'service' | 'vendor' | 'system';
      roles: string[];
    };
    ApplicantNameDto: {
      firstName: string;
      lastName: string;
    };
    AssignReviewerDto: {
      /** @description Reviewer to assign (default: the caller) */
      reviewerId?: string;
    };
    AuditBundleView: {
      checkpoints: components['schemas']['SignedCheckpointView'][];
      createdAt: string;
      explainerVersion: number;
      explanations: {
        [key: string]: unknown;
      }[];
      /** @enum {string} */
      format: 'kyc-ledger-audit-bundle/v2';
      /** @description Signed stream heads */
      heads: {
        [key: string]: unknown;
      };
      /** @description Inclusion proof of each event, by event id */
      proofs: {
        [key: string]: {
          [key: string]: unknown;
        };
      };
      scope: {
        id?: string;
        /** @enum {string} */
        kind?: 'session' | 'subject';
      };
      /** @description Each stream from revision 0 to its signed head; personal data stays encrypted */
      streams: {
        [key: string]: {
          [key: string]: unknown;
        }[];
      };
    };
    CalibrationCurrentThresholdView: {
      falsePositiveRate: number | null;
      passRate: number;
      /** @description Share of the results below their own threshold */
      reviewRate: number;
      /** @description The policy in force’s threshold when one applies to every result; null when they differ */
      threshold: number | null;
      /** @description Every threshold the policy applies to the group’s results (by country and segment) */
      thresholds: number[];
    };
    CalibrationFilterView: {
      /** @enum {string} */
      checkKind?:
        'document' | 'face_match' | 'liveness' | 'sanctions' | 'pep' | 'address' | 'age' | 'watchlist';
      from?: string;
      jurisdiction?: string;
      to?: string;
      vendor?: string;
    };
    CalibrationGroupView: {
      byOutcome: components['schemas']['CalibrationOutcomeCountsView'];
      /** @enum {string} */
      checkKind:
        'document' | 'face_match' | 'liveness' | 'sanctions' | 'pep' | 'address' | 'age' | 'watchlist';
      /** @description Where the policy in force stands; null when it sets no threshold for these results */
      current: components['schemas']['CalibrationCurrentThresholdView'] | null;
      /** @description 50 bins of 0.02 from 0 to 1 */
      histogram: components['schemas']['CalibrationHistogramBinView'][];
      /** @description The country; null for every country together (a country with fewer than 20 results is only there) */
      jurisdiction: string | null;
      /** @description Scored clear results: one per session, vendor and kind */
      results: number;
      /** @description The threshold the targets lead to (0.01 grid); null without targets or when none meets them */
      suggested: components['schemas']['CalibrationThresholdView'] | null;
      vendor: string;
    };
    CalibrationHistogramBinView: {
      byOutcome: components['schemas']['CalibrationOutcomeCountsView'];
      /**
       * @description Lower edge (inclusive)
       * @example 0.82
       */
      from: number;
      /**
       * @description Upper edge (exclusive; the last bin holds 1)
       * @example 0.84
       */
      to: number;
      total: number;
    };
    CalibrationOutcomeCountsView: {
      /** @description Approved by a reviewer or an override */
      approved_after_review: number;
      /** @description Approved by the policy, never changed */
      approved_automatically: number;
      /** @description Closed without a decision (consent withdrawn, erasure) */
      closed: number;
      expired: number;
      /** @description The final decision differs from an earlier one (an override, a re-review) */
      overturned: number;
      /** @description Rejected by the policy, a reviewer or an override, never changed */
      rejected: number;
      /** @description No decision stands (open, or in review) */
      undecided: number;
    };
    CalibrationPolicyView: {
      /** @description SHA-256 of the canonical JSON of the policy */
      hash: string;
      policyId: string;
      version: string;
    };
    CalibrationReportView: {
      filter: components['schemas']['CalibrationFilterView'];
      /** @description By vendor and check kind: every country together, then each country with enough results */
      groups: components['schemas']['CalibrationGroupView'][];
      /** @description Results a country needs to be reported on its own */
      minPerGroup: number;
      /** @description The policy in force, whose thresholds `current` shows */
      policy: components['schemas']['CalibrationPolicyView'] | null;
      /** @description The ledger position the report covers (inclusive) */
      readTo: number;
      targets: components['schemas']['CalibrationTargetsView'];
    };
    CalibrationTargetsView: {
      targetFalsePositiveRate: number | null;
      targetReviewRate: number | null;
    };
    CalibrationThresholdView: {
      /** @description Share of the group’s rejected or overturned results that pass it; null when it has none */
      falsePositiveRate: number | null;
      /** @description Share of the group’s results that pass it */
      passRate: number;
      /** @description Share of the group’s results below it (review or resubmission) */
      reviewRate: number;
      /**
       * @description A result passes at or above it
       * @example 0.83
       */
      threshold: number;
    };
    ChainReportView: {
      eventsChecked: number;
      failures: {
        [key: string]: unknown;
      }[];
      ok: boolean;
      streamsChecked: number;
      throughPosition: number;
    };
    CheckDto: {
      /** @enum {string} */
      kind: 'document' | 'face_match' | 'liveness' | 'sanctions' | 'pep' | 'address' | 'age' | 'watchlist';
      reasonCodes?: (
        | 'DOC_LOW_CONFIDENCE'
        | 'DOC_IMAGE_QUALITY'
        | 'DOC_SUSPECTED_TAMPERING'
        | 'DOC_EXPIRED'
        | 'DOC_TYPE_NOT_ALLOWED'
        | 'FACE_MISMATCH'
        | 'FACE_LOW_CONFIDENCE'
        | 'LIVENESS_LOW_CONFIDENCE'
        | 'ADDRESS_LOW_CONFIDENCE'
        | 'LIVENESS_FAILED'
        | 'ADDRESS_MISMATCH'
        | 'SANCTIONS_HIT'
        | 'PEP_MATCH'
        | 'ADVERSE_MEDIA_HIT'
        | 'WATCHLIST_HIT'
        | 'FRAUD_SUSPECTED'
        | 'AGE_BELOW_THRESHOLD'
        | 'UNSUPPORTED_JURISDICTION'
        | 'DUPLICATE_IDENTITY'
        | 'DUPLICATE_IDENTITY_SUSPECTED'
        | 'RETRY_LIMIT_REACHED'
        | 'VENDOR_UNAVAILABLE'
        | 'EVIDENCE_MISSING'
        | 'DOC_ISSUER_NOT_ALLOWED'
        | 'DOC_ISSUER_EMBARGOED'
        | 'RESULTS_CONTRADICTORY'
        | 'RISK_SIGNAL_REVIEW'
        | 'SESSION_EXPIRED'
        | 'CONSENT_WITHDRAWN'
        | 'ERASURE_REQUESTED'
        | 'SCORE_AMBIGUOUS'
        | 'CHECK_INCONCLUSIVE'
        | 'JURISDICTION_REVIEW_REQUIRED'
        | 'REVIEW_APPROVED'
        | 'OVERRIDE_APPLIED'
      )[];
      /** @enum {string} */
      result: 'clear' | 'consider' | 'fail' | 'error';
      score?: number;
      /**
       * @description The vendor’s own labels or codes for the check (never personal data)
       * @example [
       *       "RED",
       *       "FINAL",
       *       "FORGERY"
       *     ]
       */
      vendorLabels?: string[];
    };
    CheckpointReportView: {
      checkpointsChecked: number;
      coveredThrough: number;
      failure?: {
        [key: string]: unknown;
      };
      ok: boolean;
    };
    CheckpointStatementView: {
      fromPosition: number;
      headsCount?: number;
      /** @description Version 2: Merkle root over every stream head */
      headsRoot?: string;
      keyId: string;
      /** @enum {string} */
      ledger: 'kyc-ledger';
      previousRootHash: string | null;
      rootHash: string;
      sequence: number;
      signedAt: string;
      toPosition: number;
      treeSize: number;
      /** @enum {number} */
      v: 1 | 2;
    };
    CitationView: {
      eventId: string;
      /** @description Chain hash of the event */
      hash: string;
      position: number;
    };
    ClassRetentionView: {
      collectedFirstAt: string | null;
      collectedLastAt: string | null;
      /** @enum {string} */
      dataClass:
        | 'identity_attributes'
        | 'contact_address'
        | 'document_media_refs'
        | 'biometric_refs'
        | 'review_notes'
        | 'consent_evidence';
      /** @description When it is to be shredded: the later of retentionEndsAt and graceUntil, or the erasure request time. Null when not yet known (period not started) or when due but kept by a legal hold (see waitingFor) */
      dueAt: string | null;
      /** @description Periods running from the relationship end: nothing is shredded before this (the end was recorded plus the policy's shredGrace), so a wrong end can be corrected first */
      graceUntil: string | null;
      holds: string[];
      legalBasis: string;
      /** @description Kept despite an erasure request (GDPR Art. 17(3)(b)) */
      legalObligation: boolean;
      /** @example P5Y */
      period: string;
      periodStartedAt: string | null;
      /** @description Why it is kept after an erasure request */
      restriction: {
        basis?: string;
        requestId?: string;
      } | null;
      /** @description When the retention period ends */
      retentionEndsAt: string | null;
      /** @enum {string} */
      runsFrom: 'relationship_end' | 'collection' | 'decision';
      /** @description Due and not held: shredded on the next scheduler run */
      shreddable: boolean;
      shreddedAt: string | null;
      shredReason: string | null;
      /** @enum {string} */
      status: 'held' | 'restricted' | 'shredded' | 'not_held';
      /** @enum {string|null} */
      waitingFor: 'legal_hold_release' | null;
    };
    CommandResponse: {
      /** @description Global position of the last appended event (for X-Min-Position) */
      position: number;
      reasonCodes?: (
        | 'DOC_LOW_CONFIDENCE'
        | 'DOC_IMAGE_QUALITY'
        | 'DOC_SUSPECTED_TAMPERING'
        | 'DOC_EXPIRED'
        | 'DOC_TYPE_NOT_ALLOWED'
        | 'FACE_MISMATCH'
        | 'FACE_LOW_CONFIDENCE'
        | 'LIVENESS_LOW_CONFIDENCE'
        | 'ADDRESS_LOW_CONFIDENCE'
        | 'LIVENESS_FAILED'
        | 'ADDRESS_MISMATCH'
        | 'SANCTIONS_HIT'
        | 'PEP_MATCH'
        | 'ADVERSE_MEDIA_HIT'
        | 'WATCHLIST_HIT'
        | 'FRAUD_SUSPECTED'
        | 'AGE_BELOW_THRESHOLD'
        | 'UNSUPPORTED_JURISDICTION'
        | 'DUPLICATE_IDENTITY'
        | 'DUPLICATE_IDENTITY_SUSPECTED'
        | 'RETRY_LIMIT_REACHED'
        | 'VENDOR_UNAVAILABLE'
        | 'EVIDENCE_MISSING'
        | 'DOC_ISSUER_NOT_ALLOWED'
        | 'DOC_ISSUER_EMBARGOED'
        | 'RESULTS_CONTRADICTORY'
        | 'RISK_SIGNAL_REVIEW'
        | 'SESSION_EXPIRED'
        | 'CONSENT_WITHDRAWN'
        | 'ERASURE_REQUESTED'
        | 'SCORE_AMBIGUOUS'
        | 'CHECK_INCONCLUSIVE'
        | 'JURISDICTION_REVIEW_REQUIRED'
        | 'REVIEW_APPROVED'
        | 'OVERRIDE_APPLIED'
      )[];
      /** @description Stream revision after the command */
      revision: number;
      /** @example a3c1f6a2-7a51-4c39-9d0e-2f1f0f4b1c11 */
      sessionId: string;
      /**
       * @description Status after the command
       * @enum {string}
       */
      status:
        | 'initiated'
        | 'capture_in_progress'
        | 'submitted'
        | 'pending_review'
        | 'approved'
        | 'rejected'
        | 'expired'
        | 'needs_resubmission'
        | 'closed';
    };
    ComponentHealthView: {
      /** @description Whether down makes the service unready */
      critical: boolean;
      details?: {
        [key: string]: unknown;
      };
      /** @enum {string} */
      status: 'up' | 'degraded' | 'down';
    };
    ConsentEvidenceDto: {
      /** @description Reference of the signed form or recording in the document system */
      formReference?: string;
      /** @example 203.0.113.7 */
      ipAddress?: string;
      userAgent?: string;
    };
    ConsentHistoryView: {
      /** @enum {string} */
      action: 'granted' | 'withdrawn';
      at: string;
      consentId: string;
      eventId: string;
      position: number;
      scopes: (
        'identity_verification' | 'document_processing' | 'biometric_processing' | 'data_sharing_vendors'
      )[];
    };
    ConsentInForceView: {
      consentId: string;
      grantedAt: string;
      /** @description SHA-256 of the exact notice text agreed to */
      noticeHash?: string;
      noticeVersion: string;
      proof: components['schemas']['CitationView'];
      scopes: string[];
      /** @description Set when the person withdrew this consent */
      withdrawn: components['schemas']['WithdrawalView'] | null;
    };
    ConsentResponse: {
      consentId: string;
      position: number;
      revision: number;
    };
    ConsentView: {
      /** @enum {string} */
      channel: 'web' | 'mobile' | 'branch' | 'phone' | 'api';
      consentId: string;
      grantedAt: string;
      locale: string;
      noticeVersion: string;
      policyHash: string;
      position: number;
      scopes: (
        'identity_verification' | 'document_processing' | 'biometric_processing' | 'data_sharing_vendors'
      )[];
    };
    DecisionView: {
      actor: components['schemas']['ActorView'];
      at: string;
      /** @enum {string} */
      decidedBy: 'policy' | 'reviewer' | 'override' | 'expiry' | 'subject';
      /** @enum {string} */
      outcome: 'approved' | 'rejected' | 'expired' | 'closed';
      proof: components['schemas']['CitationView'];
      reasonCodes: components['schemas']['ExplainedCodeView'][];
    };
    DuplicateIdentityView: {
      evidenceId: string;
      /**
       * @description Which identity matched
       * @enum {string}
       */
      match: 'document' | 'name_and_birth_date';
      /** @description The other subject’s session with the same identity (its id only) */
      otherSessionId: string;
      proof: components['schemas']['CitationView'];
    };
    EndRelationshipDto: {
      /** @description True to correct the end already recorded: the new end supersedes it (docs/privacy.md). Without it, a second end is refused (409 relationship_already_ended). */
      correction?: boolean;
      /** @description When the business relationship ended (default: now). Not in the future, not before the subject's first record, and at most the policy's retentionSafeguards.maxBackdate (default P30D) back. */
      endedAt?: string;
    };
    ErasureRequestDto: {
      /**
       * @description GDPR Art. 17(1) ground: (a) no_longer_necessary … (f) child_information_society
       * @enum {string}
       */
      ground:
        | 'no_longer_necessary'
        | 'consent_withdrawn'
        | 'objection'
        | 'unlawful_processing'
        | 'legal_obligation_to_erase'
        | 'child_information_society';
      /**
       * @description Reference of the request in the controller's case system (not personal data)
       * @example dsr-2026-0042
       */
      reference?: string;
    };
    ErasureResponse: {
      /** @description Shredded now: no obligation keeps them */
      erased: (
        | 'identity_attributes'
        | 'contact_address'
        | 'document_media_refs'
        | 'biometric_refs'
        | 'review_notes'
        | 'consent_evidence'
      )[];
      explanation: string;
      /** @description The ledger held no data of these classes */
      notHeld: (
        | 'identity_attributes'
        | 'contact_address'
        | 'document_media_refs'
        | 'biometric_refs'
        | 'review_notes'
        | 'consent_evidence'
      )[];
      position: number;
      requestedAt: string;
      requestId: string;
      /** @description Kept, restricted, shredded when the obligation ends */
      restricted: components['schemas']['RestrictedClassView'][];
      revision: number;
      subjectId: string;
    };
    EvaluationView: {
      attempt: number;
      /** @description approve, review, reject, resubmit, step_up or incomplete */
      outcome: string;
      policyHash: string;
      proof: components['schemas']['CitationView'];
      reasonCodes: components['schemas']['ExplainedCodeView'][];
      ruleTrace: components['schemas']['RuleTraceEntryView'][];
      tier: string;
      /** @description What made the evaluation run (a vendor result, a reopen, …) */
      trigger: string;
    };
    EventStoreCheckView: {
      /** @enum {string} */
      adapter: 'sqlite' | 'eventstoredb';
      error?: string;
      headPosition?: number;
      latencyMs: number;
      /** @enum {string} */
      status: 'up' | 'down';
    };
    EvidenceResponse: {
      /** @description Id the evidence is recorded under (the first one, on a retry) */
      evidenceId: string;
      /** @description Global position of the last appended event (for X-Min-Position) */
      position: number;
      reasonCodes?: (
        | 'DOC_LOW_CONFIDENCE'
        | 'DOC_IMAGE_QUALITY'
        | 'DOC_SUSPECTED_TAMPERING'
        | 'DOC_EXPIRED'
        | 'DOC_TYPE_NOT_ALLOWED'
        | 'FACE_MISMATCH'
        | 'FACE_LOW_CONFIDENCE'
        | 'LIVENESS_LOW_CONFIDENCE'
        | 'ADDRESS_LOW_CONFIDENCE'
        | 'LIVENESS_FAILED'
        | 'ADDRESS_MISMATCH'
        | 'SANCTIONS_HIT'
        | 'PEP_MATCH'
        | 'ADVERSE_MEDIA_HIT'
        | 'WATCHLIST_HIT'
        | 'FRAUD_SUSPECTED'
        | 'AGE_BELOW_THRESHOLD'
        | 'UNSUPPORTED_JURISDICTION'
        | 'DUPLICATE_IDENTITY'
        | 'DUPLICATE_IDENTITY_SUSPECTED'
        | 'RETRY_LIMIT_REACHED'
        | 'VENDOR_UNAVAILABLE'
        | 'EVIDENCE_MISSING'
        | 'DOC_ISSUER_NOT_ALLOWED'
        | 'DOC_ISSUER_EMBARGOED'
        | 'RESULTS_CONTRADICTORY'
        | 'RISK_SIGNAL_REVIEW'
        | 'SESSION_EXPIRED'
        | 'CONSENT_WITHDRAWN'
        | 'ERASURE_REQUESTED'
        | 'SCORE_AMBIGUOUS'
        | 'CHECK_INCONCLUSIVE'
        | 'JURISDICTION_REVIEW_REQUIRED'
        | 'REVIEW_APPROVED'
        | 'OVERRIDE_APPLIED'
      )[];
      /** @description Stream revision after the command */
      revision: number;
      /** @example a3c1f6a2-7a51-4c39-9d0e-2f1f0f4b1c11 */
      sessionId: string;
      /**
       * @description Status after the command
       * @enum {string}
       */
      status:
        | 'initiated'
        | 'capture_in_progress'
        | 'submitted'
        | 'pending_review'
        | 'approved'
        | 'rejected'
        | 'expired'
        | 'needs_resubmission'
        | 'closed';
    };
    ExplainedCodeView: {
      category: string;
      /** @enum {string} */
      code:
        | 'DOC_LOW_CONFIDENCE'
        | 'DOC_IMAGE_QUALITY'
        | 'DOC_SUSPECTED_TAMPERING'
        | 'DOC_EXPIRED'
        | 'DOC_TYPE_NOT_ALLOWED'
        | 'FACE_MISMATCH'
        | 'FACE_LOW_CONFIDENCE'
        | 'LIVENESS_LOW_CONFIDENCE'
        | 'ADDRESS_LOW_CONFIDENCE'
        | 'LIVENESS_FAILED'
        | 'ADDRESS_MISMATCH'
        | 'SANCTIONS_HIT'
        | 'PEP_MATCH'
        | 'ADVERSE_MEDIA_HIT'
        | 'WATCHLIST_HIT'
        | 'FRAUD_SUSPECTED'
        | 'AGE_BELOW_THRESHOLD'
        | 'UNSUPPORTED_JURISDICTION'
        | 'DUPLICATE_IDENTITY'
        | 'DUPLICATE_IDENTITY_SUSPECTED'
        | 'RETRY_LIMIT_REACHED'
        | 'VENDOR_UNAVAILABLE'
        | 'EVIDENCE_MISSING'
        | 'DOC_ISSUER_NOT_ALLOWED'
        | 'DOC_ISSUER_EMBARGOED'
        | 'RESULTS_CONTRADICTORY'
        | 'RISK_SIGNAL_REVIEW'
        | 'SESSION_EXPIRED'
        | 'CONSENT_WITHDRAWN'
        | 'ERASURE_REQUESTED'
        | 'SCORE_AMBIGUOUS'
        | 'CHECK_INCONCLUSIVE'
        | 'JURISDICTION_REVIEW_REQUIRED'
        | 'REVIEW_APPROVED'
        | 'OVERRIDE_APPLIED';
      description: string;
      /** @description The decision invariant the code stands for */
      invariant?: components['schemas']['InvariantView'];
      remediation: string;
    };
    ExplanationAsOfView: {
      position: number;
      recordedAt: string | null;
    };
    ExplanationTimelineEntryView: {
      actor: components['schemas']['ActorView'];
      at: string;
      proof: components['schemas']['CitationView'];
      /** @enum {string} */
      statusAfter:
        | 'initiated'
        | 'capture_in_progress'
        | 'submitted'
        | 'pending_review'
        | 'approved'
        | 'rejected'
        | 'expired'
        | 'needs_resubmission'
        | 'closed';
      type: string;
    };
    ExplanationView: {
      asOf: components['schemas']['ExplanationAsOfView'];
      /** @description The consent in force for identity_verification when decided (or at asOf) */
      consent: components['schemas']['ConsentInForceView'] | null;
      decision: components['schemas']['DecisionView'] | null;
      /** @description Evidence whose identity matched another subject’s session (keyed blind index) */
      duplicateIdentities: components['schemas']['DuplicateIdentityView'][];
      /** @description Every policy evaluation with its rule trace */
      evaluations: components['schemas']['EvaluationView'][];
      /** @description The decision an override replaced */
      originalDecision: components['schemas']['DecisionView'] | null;
      overrides: components['schemas']['OverrideView'][];
      /** @description Policy version, path, tier and required checks */
      policy: components['schemas']['PolicyInForceView'];
      reviews: components['schemas']['ReviewView'][];
      sessionId: string;
      /** @description What each shadow policy in force would have said at the session’s evaluations (not a decision; docs/policy-lab.md) */
      shadow: components['schemas']['ShadowEvaluationView'][];
      /**
       * @description Status as the ledger stood at asOf
       * @enum {string}
       */
      status:
        | 'initiated'
        | 'capture_in_progress'
        | 'submitted'
        | 'pending_review'
        | 'approved'
        | 'rejected'
        | 'expired'
        | 'needs_resubmission'
        | 'closed';
      subjectId: string;
      /** @description One sentence for people; the structured fields are the authority */
      summary: string;
      timeline: components['schemas']['ExplanationTimelineEntryView'][];
      /** @description Vendor calls that failed after their retries */
      vendorFailures: components['schemas']['VendorFailureView'][];
      /** @description Where the policy’s next vendor was tried */
      vendorFallbacks: components['schemas']['VendorFallbackView'][];
      /** @description Where no vendor could open the session and it waited for one (waiting_for_vendor) */
      vendorQueued: components['schemas']['VendorQueuedView'][];
      vendorResults: components['schemas']['VendorResultView'][];
      /** @description Sessions the server opened at vendors */
      vendorSessions: components['schemas']['VendorSessionView'][];
      /** @description For an undecided session: what it waits for */
      waitingFor: string | null;
    };
    ExtractedAttributesDto: {
      address?: string;
      /** @example 1990-01-31 */
      dateOfBirth?: string;
      documentNumber?: string;
      /** @example 2031-05-01 */
      expiryDate?: string;
      fullName?: string;
      nationality?: string;
    };
    FetchedFromView: {
      fetchedAt: string;
      /** @description The vendor object read: Onfido check, Persona inquiry, Veriff session */
      objectId: string;
      /** @description find_check, retrieve_inquiry, get_decision */
      operation: string;
      proof: components['schemas']['CitationView'];
      /** @description The vendor’s id of that request */
      vendorRequestId: string | null;
    };
    FieldProblemView: {
      /** @example jurisdiction */
      field: string;
      /**
       * @example [
       *       "jurisdiction must be an ISO 3166-1 alpha-2 code"
       *     ]
       */
      problems: string[];
    };
    GrantConsentDto: {
      /**
       * @example web
       * @enum {string}
       */
      channel: 'web' | 'mobile' | 'branch' | 'phone' | 'api';
      evidence?: components['schemas']['ConsentEvidenceDto'];
      /**
       * @description BCP 47 language tag
       * @example de-DE
       */
      locale: string;
      /**
       * @description Version of the privacy notice the person saw
       * @example 2026-01
       */
      noticeVersion: string;
      /**
       * @example [
       *       "identity_verification"
       *     ]
       */
      scopes: (
        'identity_verification' | 'document_processing' | 'biometric_processing' | 'data_sharing_vendors'
      )[];
    };
    HealthChecksView: {
      eventStore: components['schemas']['EventStoreCheckView'];
      readModels: components['schemas']['ReadModelsCheckView'];
    };
    HealthReportView: {
      /** @description Only for a caller authenticated with the role operator or auditor (admin holds every role) */
      checks?: components['schemas']['HealthChecksView'];
      /** @description Projections, publisher and schedulers. Only for a caller authenticated with the role operator or auditor (admin holds every role) */
      components?: {
        [key: string]: components['schemas']['ComponentHealthView'];
      };
      /**
       * @description Only for a caller authenticated with the role operator or auditor (admin holds every role)
       * @enum {string}
       */
      profile?: 'embedded' | 'production';
      /** @enum {string} */
      status: 'ok' | 'unavailable';
    };
    InclusionProofView: {
      /** @description Sibling hashes from the leaf up (RFC 9162), hex */
      auditPath: string[];
      checkpoint: components['schemas']['SignedCheckpointView'];
      created: string | null;
      /** @description The event’s chain hash */
      eventHash: string;
      eventId: string;
      leafIndex: number;
      /** @enum {number} */
      leafVersion: 1 | 2;
      position: number;
      revision: number;
      stream: string;
      treeSize: number;
    };
    InvalidatedView: {
      /** @description Approvals whose identity matched another subject (approved although it did, or matched later) */
      duplicateIdentity: number;
      /** @description Approvals a later screening found a sanctions, PEP or watchlist hit on */
      laterScreeningHit: number;
      /** @description Approvals later rejected (an override, or a review an approval reopened) */
      overturned: number;
    };
    InvariantView: {
      /**
       * @description Decision invariant id (docs/decision-invariants.md)
       * @example I1
       */
      id: string;
      title: string;
    };
    KpiQueueView: {
      /** @description Sessions waiting for a review now (the filters apply, the day range does not) */
      depth: number;
      /** @description Seconds since the oldest pending review was requested; null when none is pending */
      oldestAgeSeconds: number | null;
    };
    KpiRowView: {
      /** @description Expired while initiated or capturing */
      abandoned: number;
      /** @description Approved by a reviewer or an override */
      approvedAfterReview: number;
      /** @description Approved by the policy */
      autoApproved: number;
      /** @description Closed without a decision (consent withdrawn, erasure) */
      closed: number;
      /** @description UTC day the sessions started (YYYY-MM-DD) */
      day: string;
      /** @description Expired after something was submitted */
      expired: number;
      /** @description The groupBy dimension’s value; null without groupBy, or for sessions not yet that far */
      group: string | null;
      /** @description Sessions with a counted liveness check clear / sessions with a counted liveness check */
      livenessPassRate: number | null;
      /** @description The largest of the same, ms */
      maxCallbackMs: number | null;
      /** @description Mean callback latency (whole ms) over the sessions with a vendor result: per session, its slowest result from the vendor’s own timestamp to arrival here */
      meanCallbackMs: number | null;
      /** @description Median time from start to approval or rejection (nearest rank), ms */
      medianDecisionMs: number | null;
      /** @description 90th percentile of the same (nearest rank), ms */
      p90DecisionMs: number | null;
      /** @description approved / (approved + rejected) */
      passRate: number | null;
      rejected: number;
      /** @description Resubmissions requested */
      resubmissions: number;
      /** @description Sessions a review was requested for */
      reviewed: number;
      /** @description Sessions initiated that day */
      sessionsStarted: number;
      /** @description Sessions whose review SLA was breached */
      slaBreaches: number;
      /** @description Evidence submissions recorded (every attempt) */
      submissionsSucceeded: number;
      /** @description (results with an error check + failed vendor requests) / (results + failed requests) */
      vendorErrorRate: number | null;
    };
    KpisView: {
      /** @description First UTC day of the range (inclusive) */
      from: string;
      /**
       * @description As asked; absent: one row per day
       * @enum {string}
       */
      groupBy?: 'country' | 'deviceClass' | 'documentType' | 'vendor';
      queue: components['schemas']['KpiQueueView'];
      /** @description One row per day and group with sessions; day, then group order */
      rows: components['schemas']['KpiRowView'][];
      /** @description Last UTC day of the range (inclusive) */
      to: string;
    };
    LatestCheckpointView: {
      /** @description The CheckpointSigned event */
      eventId: string;
      position: number;
      /** @description SPKI PEM of the signing key */
      publicKey: string;
      /** @description base64 Ed25519 signature over the canonical JSON of the statement */
      signature: string;
      statement: components['schemas']['CheckpointStatementView'];
    };
    LivenessView: {
      /** @enum {string} */
      status: 'ok';
    };
    MeView: {
      /** @description The authenticated principal (API key entry or JWT subject) */
      principal: string;
      /** @description Its roles; admin holds every role */
      roles: ('operator' | 'reviewer' | 'senior_reviewer' | 'auditor' | 'privacy_officer' | 'admin')[];
      /** @enum {string} */
      via: 'api_key' | 'jwt';
    };
    OpenVendorSessionDto: {
      /** @description Required by Onfido only; personal data, never stored */
      applicant?: components['schemas']['ApplicantNameDto'];
      /**
       * @description Default: the first vendor configured here
       * @enum {string}
       */
      vendor?: 'onfido' | 'sumsub' | 'veriff' | 'persona';
    };
    OutcomeFilterView: {
      from?: string;
      to?: string;
    };
    OutcomeGroupView: {
      approved: number;
      /** @description Sessions with a first decision (approved or rejected) in range */
      decided: number;
      invalidated: components['schemas']['InvalidatedView'];
      /** @description The cohort: 2026-W48, DE, onfido, kyc-default@2026-11-01 */
      key: string;
      /** @description approved / decided */
      passRate: number | null;
      rejected: number;
      /** @description Approvals that stayed valid */
      validApproved: number;
      /** @description validApproved / decided */
      validPassRate: number | null;
    };
    OutcomeReportView: {
      filter: components['schemas']['OutcomeFilterView'];
      /** @enum {string} */
      groupBy: 'week' | 'country' | 'vendor' | 'policyVersion';
      groups: components['schemas']['OutcomeGroupView'][];
      /** @description The ledger position the report covers (inclusive) */
      readTo: number;
      total: components['schemas']['OutcomeTotalView'];
    };
    OutcomeTotalView: {
      approved: number;
      /** @description Sessions with a first decision (approved or rejected) in range */
      decided: number;
      invalidated: components['schemas']['InvalidatedView'];
      /** @description approved / decided */
      passRate: number | null;
      rejected: number;
      /** @description Approvals that stayed valid */
      validApproved: number;
      /** @description validApproved / decided */
      validPassRate: number | null;
    };
    OverrideResponse: {
      overrideId: string;
      /** @description Global position of the last appended event (for X-Min-Position) */
      position: number;
      reasonCodes?: (
        | 'DOC_LOW_CONFIDENCE'
        | 'DOC_IMAGE_QUALITY'
        | 'DOC_SUSPECTED_TAMPERING'
        | 'DOC_EXPIRED'
        | 'DOC_TYPE_NOT_ALLOWED'
        | 'FACE_MISMATCH'
        | 'FACE_LOW_CONFIDENCE'
        | 'LIVENESS_LOW_CONFIDENCE'
        | 'ADDRESS_LOW_CONFIDENCE'
        | 'LIVENESS_FAILED'
        | 'ADDRESS_MISMATCH'
        | 'SANCTIONS_HIT'
        | 'PEP_MATCH'
        | 'ADVERSE_MEDIA_HIT'
        | 'WATCHLIST_HIT'
        | 'FRAUD_SUSPECTED'
        | 'AGE_BELOW_THRESHOLD'
        | 'UNSUPPORTED_JURISDICTION'
        | 'DUPLICATE_IDENTITY'
        | 'DUPLICATE_IDENTITY_SUSPECTED'
        | 'RETRY_LIMIT_REACHED'
        | 'VENDOR_UNAVAILABLE'
        | 'EVIDENCE_MISSING'
        | 'DOC_ISSUER_NOT_ALLOWED'
        | 'DOC_ISSUER_EMBARGOED'
        | 'RESULTS_CONTRADICTORY'
        | 'RISK_SIGNAL_REVIEW'
        | 'SESSION_EXPIRED'
        | 'CONSENT_WITHDRAWN'
        | 'ERASURE_REQUESTED'
        | 'SCORE_AMBIGUOUS'
        | 'CHECK_INCONCLUSIVE'
        | 'JURISDICTION_REVIEW_REQUIRED'
        | 'REVIEW_APPROVED'
        | 'OVERRIDE_APPLIED'
      )[];
      /** @description Stream revision after the command */
      revision: number;
      /** @example a3c1f6a2-7a51-4c39-9d0e-2f1f0f4b1c11 */
      sessionId: string;
      /**
       * @description Status after the command
       * @enum {string}
       */
      status:
        | 'initiated'
        | 'capture_in_progress'
        | 'submitted'
        | 'pending_review'
        | 'approved'
        | 'rejected'
        | 'expired'
        | 'needs_resubmission'
        | 'closed';
    };
    OverrideView: {
      decidedBy: string | null;
      decidedByRoles: string[];
      decisionProof: components['schemas']['CitationView'] | null;
      /** @description The requester's justification (free text, encrypted as review_notes): shown only to roles that decide overrides (senior_reviewer, admin) and only while readable; null otherwise, with justificationState saying why */
      justification: string | null;
      /**
       * @description clear: shown; withheld: your role does not read free text; shredded: review_notes was shredded; restricted: kept after an erasure request for a legal obligation or hold, not disclosed
       * @enum {string}
       */
      justificationState: 'clear' | 'withheld' | 'shredded' | 'restricted';
      outcome: string;
      overrideId: string;
      requestedBy: string;
      requestProof: components['schemas']['CitationView'];
      /** @enum {string} */
      status: 'pending' | 'approved' | 'rejected';
    };
    ParkedDeliveryPage: {
      items: components['schemas']['ParkedDeliveryView'][];
      /** @description Pass as `cursor`; null on the last page */
      nextCursor: string | null;
    };
    ParkedDeliveryView: {
      /** @description The vendor’s event type (e.g. check.completed) */
      eventType: string;
      /** @description Opaque id, for replay */
      id: string;
      /** @description When the vendor says it happened */
      occurredAt?: string;
      /** @enum {string} */
      reason: 'unknown_session' | 'result_not_in_payload' | 'unrecognised_payload' | 'sandbox_result';
      receivedAt: string;
      /** @description Whether a replay can record it (a delivery that waited for its session) */
      replayable: boolean;
      resolvedAt?: string;
      resolvedSessionId?: string;
      /** @enum {string} */
      status: 'parked' | 'resolved';
      /** @enum {string} */
      vendor: 'onfido' | 'veriff' | 'sumsub' | 'persona';
      /** @description The vendor’s event id */
      vendorEventId: string;
    };
    ParkedEventPage: {
      items: components['schemas']['ParkedEventView'][];
      /** @description Pass as `after` for the next page; absent on the last page */
      nextAfter?: string;
    };
    ParkedEventView: {
      /** @description Stable reason: malformed_envelope, malformed_event, unknown_event_type, … */
      errorCode: string;
      /** @description What was wrong, naming fields, never values */
      errorDetail: string;
      eventId: string;
      /**
       * @description Id for retry: `<projection>:<position>`
       * @example verification_status:1234
       */
      id: string;
      parkedAt: string;
      /** @description Global position of the event in the ledger */
      position: number;
      projection: string;
      revision: number;
      stream: string;
      type: string;
    };
    ParkedReplayResponse: {
      /** @description False when the session already held this vendor event (a duplicate) */
      recorded: boolean;
      sessionId: string;
      /** @enum {string} */
      status: 'replayed';
    };
    ParkedRetryRebuild: {
      /** @description Events the rebuild read */
      events: number;
      generation: number;
      /** @description Events of this projection parked after the rebuild */
      parked: number;
      /** @description Checkpoint the rebuilt tables took over at */
      position: number;
      seconds: number;
    };
    ParkedRetryResponse: {
      /** @description Why it was parked again */
      errorCode?: string;
      eventId: string;
      /**
       * @description `applied`: the event is in the read model now; `parked_again`: it still cannot be applied
       * @enum {string}
       */
      outcome: 'applied' | 'parked_again';
      position: number;
      projection: string;
      rebuild: components['schemas']['ParkedRetryRebuild'];
    };
    PendingOverrideView: {
      /** @enum {string} */
      outcome: 'approve' | 'reject';
      overrideId: string;
      requestedAt: string;
      /** @description The principal who asked for it (who may not approve it) */
      requestedBy: string;
    };
    PersonalDataItemView: {
      /** @enum {string} */
      dataClass:
        | 'identity_attributes'
        | 'contact_address'
        | 'document_media_refs'
        | 'biometric_refs'
        | 'review_notes'
        | 'consent_evidence';
      eventId: string;
      recordedAt: string;
      restriction?: {
        basis?: string;
        requestId?: string;
      };
      /**
       * @description restricted: kept for a legal obligation or hold after an erasure request, not disclosed
       * @enum {string}
       */
      state: 'clear' | 'shredded' | 'restricted';
      stream: string;
      type: string;
      /** @description The decrypted section (clear state only) */
      value: {
        [key: string]: unknown;
      } | null;
    };
    PersonalDataView: {
      /** @description The PersonalDataAccessed event that recorded this read (null when there was nothing to read) */
      accessEventPosition: number | null;
      items: components['schemas']['PersonalDataItemView'][];
      subjectId: string;
    };
    PlaceLegalHoldDto: {
      /**
       * @description Why data must be kept (case reference, not personal data)
       * @example case-2026-114
       */
      reason: string;
    };
    PolicyInForceView: {
      /** @description SHA-256 of the canonical policy document */
      hash: string;
      jurisdiction: string;
      /** @description How the policy was chosen for the session */
      path: string;
      policyId: string;
      proof: components['schemas']['CitationView'];
      requiredChecks: string[];
      segment: string;
      tier: string;
      version: string;
    };
    ProblemView: {
      /**
       * @description Stable machine-readable error code
       * @example validation_failed
       */
      code: string;
      /** @description Explanation for people (never quotes a value from the request) */
      detail?: string;
      /** @description Fields that failed validation */
      errors?: components['schemas']['FieldProblemView'][];
      /**
       * @description Path of the request
       * @example /v1/verifications
       */
      instance?: string;
      /** @example 400 */
      status: number;
      /** @example validation failed */
      title: string;
      /**
       * Format: uri
       * @example https://kyc-ledger.dev/problems/validation_failed
       */
      type: string;
    };
    ReadModelsCheckView: {
      /** @enum {string} */
      database: 'sqlite' | 'postgres';
      error?: string;
      latencyMs: number;
      /** @enum {string} */
      status: 'up' | 'down';
    };
    ReasonCodeDeltaView: {
      /** @description Evaluations where the candidate gives the code and the recorded one did not */
      added: number;
      /** @description Evaluations where the recorded one gave the code and the candidate does not */
      removed: number;
    };
    RejectOverrideDto: {
      reason: string;
    };
    ReleaseErasureRestrictionDto: {
      /**
       * @description Why: the person asked to be served again (person_requested_service), withdrew the erasure request (request_withdrawn_by_person), or the request was not theirs (request_not_from_person)
       * @enum {string}
       */
      reason: 'person_requested_service' | 'request_withdrawn_by_person' | 'request_not_from_person';
      /**
       * @description Reference in the controller's case system (not personal data)
       * @example dsr-2026-0042
       */
      reference?: string;
    };
    ReplayCandidateView: {
      /** @description SHA-256 of the canonical JSON of the candidate */
      hash: string;
      policyId: string;
      version: string;
    };
    ReplayFilterView: {
      from?: string;
      jurisdiction?: string;
      segment?: string;
      to?: string;
    };
    ReplayProgressView: {
      decisionsEvaluated: number;
      eventsRead: number;
      /** @description The last position read */
      position: number;
      /** @description The position the replay reads to */
      readTo: number;
    };
    ReplayStartedView: {
      /** @description The ledger position the replay reads to */
      readTo: number;
      replayId: string;
    };
    ReplayTallyView: {
      /** @description Evaluations whose outcome or reason codes differ under the candidate */
      changed: number;
      evaluated: number;
    };
    ReplayView: {
      /** @description Device class of the capture → evaluations */
      byDeviceClass: {
        [key: string]: components['schemas']['ReplayTallyView'];
      };
      /** @description Document type of the attempt → evaluations */
      byDocumentType: {
        [key: string]: components['schemas']['ReplayTallyView'];
      };
      /** @description Country → evaluations */
      byJurisdiction: {
        [key: string]: components['schemas']['ReplayTallyView'];
      };
      /** @description `<recorded outcome>→<candidate outcome>` → evaluations (approve, review, reject, resubmit, …) */
      byOutcome: {
        [key: string]: number;
      };
      /** @description Reason code → how often the candidate adds or drops it */
      byReasonCode: {
        [key: string]: components['schemas']['ReasonCodeDeltaView'];
      };
      /** @description Vendor of the results → evaluations */
      byVendor: {
        [key: string]: components['schemas']['ReplayTallyView'];
      };
      candidate: components['schemas']['ReplayCandidateView'];
      /** @description Of those, with another outcome or other reason codes */
      changed: number;
      /** @description How each session finally stood (approved, rejected, expired, closed, undecided: what reviewers and overrides decided) → the candidate’s outcome at its last evaluation → sessions */
      confusion: {
        [key: string]: {
          [key: string]: number;
        };
      };
      /** @description Recorded evaluations evaluated again */
      decisionsEvaluated: number;
      /** @description Why it failed (a class, never data) */
      error: string | null;
      filter: components['schemas']['ReplayFilterView'];
      finishedAt: string | null;
      /** @description Of those, with another outcome */
      outcomeChanged: number;
      progress: components['schemas']['ReplayProgressView'];
      /** @description The ledger position the report covers (inclusive) */
      readTo: number;
      /** @description Policy hash the replayed evaluations were recorded under → count */
      recordedPolicies: {
        [key: string]: number;
      };
      replayId: string;
      reviewLoad: components['schemas']['ReviewLoadView'];
      /** @description The sessions behind each changed `byOutcome` cell (ids only, sorted, at most 1000 per cell) */
      sessions: {
        [key: string]: string[];
      };
      /** @description Cells whose session list was cut at 1000 */
      sessionsTruncated: string[];
      startedAt: string;
      /** @enum {string} */
      status: 'running' | 'done' | 'failed';
    };
    RequestOverrideDto: {
      /** @description Why the final decision must change */
      justification: string;
      /** @enum {string} */
      outcome: 'approve' | 'reject';
      reasonCodes?: (
        | 'DOC_LOW_CONFIDENCE'
        | 'DOC_IMAGE_QUALITY'
        | 'DOC_SUSPECTED_TAMPERING'
        | 'DOC_EXPIRED'
        | 'DOC_TYPE_NOT_ALLOWED'
        | 'FACE_MISMATCH'
        | 'FACE_LOW_CONFIDENCE'
        | 'LIVENESS_LOW_CONFIDENCE'
        | 'ADDRESS_LOW_CONFIDENCE'
        | 'LIVENESS_FAILED'
        | 'ADDRESS_MISMATCH'
        | 'SANCTIONS_HIT'
        | 'PEP_MATCH'
        | 'ADVERSE_MEDIA_HIT'
        | 'WATCHLIST_HIT'
        | 'FRAUD_SUSPECTED'
        | 'AGE_BELOW_THRESHOLD'
        | 'UNSUPPORTED_JURISDICTION'
        | 'DUPLICATE_IDENTITY'
        | 'DUPLICATE_IDENTITY_SUSPECTED'
        | 'RETRY_LIMIT_REACHED'
        | 'VENDOR_UNAVAILABLE'
        | 'EVIDENCE_MISSING'
        | 'DOC_ISSUER_NOT_ALLOWED'
        | 'DOC_ISSUER_EMBARGOED'
        | 'RESULTS_CONTRADICTORY'
        | 'RISK_SIGNAL_REVIEW'
        | 'SESSION_EXPIRED'
        | 'CONSENT_WITHDRAWN'
        | 'ERASURE_REQUESTED'
        | 'SCORE_AMBIGUOUS'
        | 'CHECK_INCONCLUSIVE'
        | 'JURISDICTION_REVIEW_REQUIRED'
        | 'REVIEW_APPROVED'
        | 'OVERRIDE_APPLIED'
      )[];
    };
    RestrictedClassView: {
      /**
       * @description GDPR Art. 17(3)(b) legal obligation (AML record keeping) or 17(3)(e) legal claims
       * @enum {string}
       */
      basis: 'legal_obligation' | 'legal_hold';
      /** @enum {string} */
      dataClass:
        | 'identity_attributes'
        | 'contact_address'
        | 'document_media_refs'
        | 'biometric_refs'
        | 'review_notes'
        | 'consent_evidence';
      /** @description Legal holds in force */
      holdIds: string[];
      /** @description The legal basis the policy names for keeping it */
      legalBasis: string;
      /** @description When it will be shredded; null while the period has not started (relationship goes on) */
      retainUntil: string | null;
    };
    ReviewDecisionDto: {
      /** @description Reviewer note: personal data, encrypted, shown only to allowed roles */
      note?: string;
      /** @enum {string} */
      outcome: 'approve' | 'reject';
      reasonCodes: (
        | 'DOC_LOW_CONFIDENCE'
        | 'DOC_IMAGE_QUALITY'
        | 'DOC_SUSPECTED_TAMPERING'
        | 'DOC_EXPIRED'
        | 'DOC_TYPE_NOT_ALLOWED'
        | 'FACE_MISMATCH'
        | 'FACE_LOW_CONFIDENCE'
        | 'LIVENESS_LOW_CONFIDENCE'
        | 'ADDRESS_LOW_CONFIDENCE'
        | 'LIVENESS_FAILED'
        | 'ADDRESS_MISMATCH'
        | 'SANCTIONS_HIT'
        | 'PEP_MATCH'
        | 'ADVERSE_MEDIA_HIT'
        | 'WATCHLIST_HIT'
        | 'FRAUD_SUSPECTED'
        | 'AGE_BELOW_THRESHOLD'
        | 'UNSUPPORTED_JURISDICTION'
        | 'DUPLICATE_IDENTITY'
        | 'DUPLICATE_IDENTITY_SUSPECTED'
        | 'RETRY_LIMIT_REACHED'
        | 'VENDOR_UNAVAILABLE'
        | 'EVIDENCE_MISSING'
        | 'DOC_ISSUER_NOT_ALLOWED'
        | 'DOC_ISSUER_EMBARGOED'
        | 'RESULTS_CONTRADICTORY'
        | 'RISK_SIGNAL_REVIEW'
        | 'SESSION_EXPIRED'
        | 'CONSENT_WITHDRAWN'
        | 'ERASURE_REQUESTED'
        | 'SCORE_AMBIGUOUS'
        | 'CHECK_INCONCLUSIVE'
        | 'JURISDICTION_REVIEW_REQUIRED'
        | 'REVIEW_APPROVED'
        | 'OVERRIDE_APPLIED'
      )[];
    };
    ReviewLoadView: {
      /** @description The same under the candidate */
      candidate: number;
      delta: number;
      /** @description Evaluations that sent the session to review, as recorded */
      recorded: number;
    };
    ReviewQueueItemView: {
      /** @description Seconds since the review was requested */
      ageSeconds: number;
      assignedAt?: string;
      assignee?: string;
      attempt: number;
      position: number;
      /** @description 1 (most urgent) to 5 */
      priority: number;
      queue: string;
      reasons: string[];
      requestedAt: string;
      sessionId: string;
      /** @description Whether the SLA due time has passed (by the service clock) */
      slaBreached: boolean;
      slaDueAt: string;
    };
    ReviewQueuePage: {
      /** @description The time SLA breaches were computed against */
      asOf: string;
      /** @description Triage order: priority, SLA due, age */
      items: components['schemas']['ReviewQueueItemView'][];
      /** @description Pass as `cursor` for the next page; absent on the last page */
      nextCursor?: string;
    };
    ReviewView: {
      /** @description Whether the reviewer wrote a note (the note is personal data, never shown here) */
      hasNote: boolean;
      outcome: string;
      proof: components['schemas']['CitationView'];
      reasonCodes: components['schemas']['ExplainedCodeView'][];
      reviewerId: string;
    };
    RuleTraceEntryView: {
      /** @description Check kinds, results, scores */
      inputs?: {
        [key: string]: unknown;
      };
      reasonCodes?: string[];
      /** @enum {string} */
      result: 'pass' | 'fail' | 'review' | 'resubmit' | 'missing' | 'not_applicable' | 'wait';
      ruleId: string;
      /** @description What the inputs were compared against (a number, a list, …) */
      threshold?:
        | number
        | string
        | boolean
        | unknown[]
        | ({
            [key: string]: unknown;
          } | null);
    };
    SessionTimelineView: {
      /** @description The session’s events and its subject’s */
      entries: components['schemas']['TimelineEntryView'][];
      /** @description Pass as `after` for the next page; absent on the last page */
      nextAfter?: number;
      sessionId: string;
      subjectId: string;
    };
    ShadowEvaluationView: {
      /** @description Another outcome or other reason codes than recorded */
      differs: boolean;
      /** @description SHA-256 of the canonical JSON of the shadow policy */
      hash: string;
      policyId: string;
      /** @description Global position of the recorded evaluation (its DecisionEvaluated) */
      position: number;
      /** @description The outcome the policy in force recorded */
      recordedOutcome: string;
      /** @description What the shadow policy would have said: approve, review, reject, resubmit, step_up, wait, incomplete or not_applicable */
      shadowOutcome: string;
      shadowReasonCodes: string[];
      version: string;
    };
    ShadowPolicySummaryView: {
      /** @description `<recorded outcome>→<shadow outcome>` → evaluations */
      byOutcome: {
        [key: string]: number;
      };
      /** @description Of those, with another outcome or other reason codes */
      differs: number;
      /** @description Live evaluations evaluated again under it (in the range) */
      evaluated: number;
      /** @description SHA-256 of the canonical JSON of the shadow policy */
      hash: string;
      policyId: string;
      /** @description Until when it is evaluated (`shadow.until`); null when it is no longer in the policy directory */
      until: string | null;
      version: string;
    };
    ShadowSummaryView: {
      /** @description Each shadow policy declared or recorded */
      items: components['schemas']['ShadowPolicySummaryView'][];
      /** @description With `policyHash`: the sessions behind each `byOutcome` cell whose outcome changed (ids only, sorted, at most 1000 per cell) */
      sessions?: {
        [key: string]: string[];
      };
    };
    SignedCheckpointView: {
      /** @description SPKI PEM of the signing key */
      publicKey: string;
      /** @description base64 Ed25519 signature over the canonical JSON of the statement */
      signature: string;
      statement: components['schemas']['CheckpointStatementView'];
    };
    StartCaptureDto: {
      /**
       * @example web
       * @enum {string}
       */
      channel: 'web' | 'mobile' | 'branch' | 'api';
      /**
       * @example desktop
       * @enum {string}
       */
      deviceClass: 'desktop' | 'mobile' | 'tablet' | 'kiosk' | 'unknown';
    };
    StartReplayDto: {
      /** @description Read the ledger to this global position (default: its head when the replay starts); the same candidate, range and position give the same report */
      atPosition?: number;
      /** @description Evaluations recorded at or after this ISO 8601 time */
      from?: string;
      /**
       * @description Only sessions of this country (ISO 3166-1 alpha-2)
       * @example DE
       */
      jurisdiction?: string;
      /** @description The candidate policy document, as JSON (the same shape as a policy file; policies/README.md) */
      policy: {
        [key: string]: unknown;
      };
      /**
       * @description Only sessions of this segment
       * @example retail
       */
      segment?: string;
      /** @description Evaluations recorded before this ISO 8601 time */
      to?: string;
    };
    StartVerificationDto: {
      /**
       * @description ISO 3166-1 alpha-2
       * @example DE
       */
      jurisdiction: string;
      /** @description Start another attempt even though the subject has an undecided session for this jurisdiction and segment. Without it, such a session is returned (reused: true) instead of a duplicate being created. */
      newAttempt?: boolean;
      /**
       * @example {
       *       "ipCountryMismatch": true
       *     }
       */
      riskSignals?: Record<string, never>;
      /** @example retail */
      segment: string;
      /**
       * @description Pseudonymous subject id
       * @example sub_123
       */
      subjectId: string;
    };
    StartVerificationResponse: {
      /** @description Global position of the last appended event (for X-Min-Position) */
      position: number;
      reasonCodes?: (
        | 'DOC_LOW_CONFIDENCE'
        | 'DOC_IMAGE_QUALITY'
        | 'DOC_SUSPECTED_TAMPERING'
        | 'DOC_EXPIRED'
        | 'DOC_TYPE_NOT_ALLOWED'
        | 'FACE_MISMATCH'
        | 'FACE_LOW_CONFIDENCE'
        | 'LIVENESS_LOW_CONFIDENCE'
        | 'ADDRESS_LOW_CONFIDENCE'
        | 'LIVENESS_FAILED'
        | 'ADDRESS_MISMATCH'
        | 'SANCTIONS_HIT'
        | 'PEP_MATCH'
        | 'ADVERSE_MEDIA_HIT'
        | 'WATCHLIST_HIT'
        | 'FRAUD_SUSPECTED'
        | 'AGE_BELOW_THRESHOLD'
        | 'UNSUPPORTED_JURISDICTION'
        | 'DUPLICATE_IDENTITY'
        | 'DUPLICATE_IDENTITY_SUSPECTED'
        | 'RETRY_LIMIT_REACHED'
        | 'VENDOR_UNAVAILABLE'
        | 'EVIDENCE_MISSING'
        | 'DOC_ISSUER_NOT_ALLOWED'
        | 'DOC_ISSUER_EMBARGOED'
        | 'RESULTS_CONTRADICTORY'
        | 'RISK_SIGNAL_REVIEW'
        | 'SESSION_EXPIRED'
        | 'CONSENT_WITHDRAWN'
        | 'ERASURE_REQUESTED'
        | 'SCORE_AMBIGUOUS'
        | 'CHECK_INCONCLUSIVE'
        | 'JURISDICTION_REVIEW_REQUIRED'
        | 'REVIEW_APPROVED'
        | 'OVERRIDE_APPLIED'
      )[];
      requiredChecks: (
        'document' | 'face_match' | 'liveness' | 'sanctions' | 'pep' | 'address' | 'age' | 'watchlist'
      )[];
      /** @description True when no session was created because the subject already has an undecided one for this jurisdiction and segment: this is that session (send newAttempt: true to start another). */
      reused: boolean;
      /** @description Stream revision after the command */
      revision: number;
      /** @example a3c1f6a2-7a51-4c39-9d0e-2f1f0f4b1c11 */
      sessionId: string;
      /**
       * @description Status after the command
       * @enum {string}
       */
      status:
        | 'initiated'
        | 'capture_in_progress'
        | 'submitted'
        | 'pending_review'
        | 'approved'
        | 'rejected'
        | 'expired'
        | 'needs_resubmission'
        | 'closed';
      /** @example standard */
      tier: string;
    };
    SubjectCommandResponse: {
      holdId?: string;
      position: number;
      revision: number;
      subjectId: string;
    };
    SubjectConsentsView: {
      history: components['schemas']['ConsentHistoryView'][];
      /** @description Granted and not withdrawn */
      inForce: components['schemas']['ConsentView'][];
      /** @description Global position of the subject’s last consent event */
      position: number;
      /** @description For each scope, the consent in force that covers it (the latest grant) */
      scopes: {
        [key: string]: string;
      };
      subjectId: string;
    };
    SubjectRetentionView: {
      asOf: string;
      classes: components['schemas']['ClassRetentionView'][];
      erasureRequest: {
        requestedAt?: string;
        requestId?: string;
      } | null;
      legalHolds: string[];
      /** @description The policy whose retention rules apply, with its relationship-end safeguards */
      policy: {
        hash?: string;
        policyId?: string;
        safeguards?: {
          maxBackdate?: string;
          shredGrace?: string;
        };
        version?: string;
      };
      relationshipEndedAt: string | null;
      /** @description When that end was recorded */
      relationshipEndRecordedAt: string | null;
      subjectId: string;
    };
    SubjectTimelineView: {
      entries: components['schemas']['TimelineEntryView'][];
      nextAfter?: number;
      subjectId: string;
    };
    SubmitEvidenceDto: {
      attributes?: components['schemas']['ExtractedAttributesDto'];
      /** @enum {string} */
      documentType?: 'passport' | 'id_card' | 'driving_licence' | 'residence_permit';
      /** @example DE */
      issuingCountry?: string;
      /**
       * @example document
       * @enum {string}
       */
      kind: 'document' | 'selfie' | 'proof_of_address';
      /**
       * @description The vendor's references to the captured images or video (never the media itself): personal data, encrypted as document_media_refs (document, proof_of_address) or biometric_refs (selfie)
       * @example [
       *       "img_front_123",
       *       "img_back_123"
       *     ]
       */
      mediaReferences?: string[];
      /** @example onfido */
      vendor: string;
      /**
       * @description The vendor’s id for this evidence (check, inquiry, applicant)
       * @example doc_abc
       */
      vendorReference: string;
    };
    TimelineActorView: {
      id: string;
      /** @enum {string} */
      kind: 'user' | 'service' | 'vendor' | 'system';
      roles: string[];
    };
    TimelineEntryView: {
      /** @description e.g. verification.approved, review.assigned */
      action: string;
      actor: components['schemas']['TimelineActorView'];
      correlationId: string;
      /** @description References of the event (evidence, vendor, consent, override ids, outcomes) */
      details: Record<string, never>;
      eventId: string;
      hash: string;
      occurredAt: string;
      policyHash?: string;
      position: number;
      prevHash: string;
      reasonCodes: (
        | 'DOC_LOW_CONFIDENCE'
        | 'DOC_IMAGE_QUALITY'
        | 'DOC_SUSPECTED_TAMPERING'
        | 'DOC_EXPIRED'
        | 'DOC_TYPE_NOT_ALLOWED'
        | 'FACE_MISMATCH'
        | 'FACE_LOW_CONFIDENCE'
        | 'LIVENESS_LOW_CONFIDENCE'
        | 'ADDRESS_LOW_CONFIDENCE'
        | 'LIVENESS_FAILED'
        | 'ADDRESS_MISMATCH'
        | 'SANCTIONS_HIT'
        | 'PEP_MATCH'
        | 'ADVERSE_MEDIA_HIT'
        | 'WATCHLIST_HIT'
        | 'FRAUD_SUSPECTED'
        | 'AGE_BELOW_THRESHOLD'
        | 'UNSUPPORTED_JURISDICTION'
        | 'DUPLICATE_IDENTITY'
        | 'DUPLICATE_IDENTITY_SUSPECTED'
        | 'RETRY_LIMIT_REACHED'
        | 'VENDOR_UNAVAILABLE'
        | 'EVIDENCE_MISSING'
        | 'DOC_ISSUER_NOT_ALLOWED'
        | 'DOC_ISSUER_EMBARGOED'
        | 'RESULTS_CONTRADICTORY'
        | 'RISK_SIGNAL_REVIEW'
        | 'SESSION_EXPIRED'
        | 'CONSENT_WITHDRAWN'
        | 'ERASURE_REQUESTED'
        | 'SCORE_AMBIGUOUS'
        | 'CHECK_INCONCLUSIVE'
        | 'JURISDICTION_REVIEW_REQUIRED'
        | 'REVIEW_APPROVED'
        | 'OVERRIDE_APPLIED'
      )[];
      recordedAt: string;
      sessionId?: string;
      /** @enum {string} */
      stream: 'subject' | 'verification';
      type: string;
    };
    VendorCheckView: {
      /** @description document, face_match, liveness, sanctions, pep, address, age */
      kind: string;
      reasonCodes?: string[];
      /** @enum {string} */
      result: 'clear' | 'consider' | 'fail' | 'error';
      score?: number;
    };
    VendorFailureView: {
      /** @description Attempts made, retries included */
      attempts: number;
      /** @description Class of the failure (never the vendor’s response body) */
      errorClass: string;
      failedAt: string;
      httpStatus: number | null;
      /** @description e.g. create_applicant, create_sdk_token */
      operation: string;
      proof: components['schemas']['CitationView'];
      vendor: string;
      vendorRequestId: string | null;
    };
    VendorFallbackView: {
      chosenAt: string;
      from: string;
      proof: components['schemas']['CitationView'];
      /** @description vendor_unavailable */
      reason: string;
      /** @description The policy’s temporary fallback rule that allowed `to`, when it is not in the regular order */
      rule: string | null;
      /** @description Until when that rule is in force */
      ruleExpiresAt: string | null;
      to: string;
    };
    VendorQueuedView: {
      /** @description What the person is told (VENDOR_DELAYED) */
      messageCode: string;
      proof: components['schemas']['CitationView'];
      queuedAt: string;
      /** @description vendor_unavailable */
      reason: string;
      vendor: string;
    };
    VendorResultDto: {
      checks: components['schemas']['CheckDto'][];
      /**
       * @example {
       *       "documentVelocity": true
       *     }
       */
      riskSignals?: Record<string, never>;
      /** @example acme */
      vendor: string;
      /** @example 2026-11-26T10:00:00Z */
      vendorCreatedAt: string;
      /**
       * @description The vendor’s event id: a repeat has no effect
       * @example evt_1
       */
      vendorEventId: string;
    };
    VendorResultView: {
      attempt: number;
      checks: components['schemas']['VendorCheckView'][];
      /** @description False when the result arrived too late or duplicated another */
      counted: boolean;
      /** @description Set when the server fetched the result from the vendor’s API (a delivery only announced it) */
      fetched: components['schemas']['FetchedFromView'] | null;
      proof: components['schemas']['CitationView'];
      vendor: string;
      vendorCreatedAt: string;
      vendorEventId: string;
    };
    VendorSessionResponse: {
      /** @description SDK token for the app: in this answer only, never stored or logged */
      clientToken?: string;
      /** @description Until when the token or URL is valid */
      expiresAt: string;
      /** @description Ledger position to read the session at (X-Min-Position) */
      position: number;
      /** @description Where the person verifies (Veriff session URL, Persona one-time link) */
      url?: string;
      /** @enum {string} */
      vendor: 'onfido' | 'sumsub' | 'veriff' | 'persona';
      /** @description The vendor’s id of its applicant, session or inquiry */
      vendorReference: string;
    };
    VendorSessionView: {
      attempt: number;
      expiresAt: string;
      openedAt: string;
      proof: components['schemas']['CitationView'];
      vendor: string;
      /** @description The vendor’s id of its applicant, session or inquiry */
      vendorReference: string;
      /** @description The vendor’s id of the request that opened it */
      vendorRequestId: string | null;
    };
    VerificationListPage: {
      items: components['schemas']['VerificationStatusView'][];
      /** @description Pass as `cursor` for the next page; null on the last page */
      nextCursor: string | null;
    };
    VerificationReportView: {
      chain: components['schemas']['ChainReportView'];
      checkpoints: components['schemas']['CheckpointReportView'];
      ok: boolean;
    };
    VerificationStatusView: {
      /** @description Current attempt (1-based) */
      attempts: number;
      createdAt?: string;
      /** @description policy, reviewer or override, while a final decision stands */
      decidedBy?: string;
      expiresAt?: string;
      jurisdiction: string;
      /**
       * @description What to tell the person while waiting for the vendor (the app words it)
       * @enum {string}
       */
      messageCode?: 'VENDOR_DELAYED';
      /** @description The override awaiting a second approver, while one does */
      pendingOverride?: components['schemas']['PendingOverrideView'];
      policyHash: string;
      policyVersion?: string;
      /** @description Global position of the last event of the session */
      position: number;
      reasonCodes: (
        | 'DOC_LOW_CONFIDENCE'
        | 'DOC_IMAGE_QUALITY'
        | 'DOC_SUSPECTED_TAMPERING'
        | 'DOC_EXPIRED'
        | 'DOC_TYPE_NOT_ALLOWED'
        | 'FACE_MISMATCH'
        | 'FACE_LOW_CONFIDENCE'
        | 'LIVENESS_LOW_CONFIDENCE'
        | 'ADDRESS_LOW_CONFIDENCE'
        | 'LIVENESS_FAILED'
        | 'ADDRESS_MISMATCH'
        | 'SANCTIONS_HIT'
        | 'PEP_MATCH'
        | 'ADVERSE_MEDIA_HIT'
        | 'WATCHLIST_HIT'
        | 'FRAUD_SUSPECTED'
        | 'AGE_BELOW_THRESHOLD'
        | 'UNSUPPORTED_JURISDICTION'
        | 'DUPLICATE_IDENTITY'
        | 'DUPLICATE_IDENTITY_SUSPECTED'
        | 'RETRY_LIMIT_REACHED'
        | 'VENDOR_UNAVAILABLE'
        | 'EVIDENCE_MISSING'
        | 'DOC_ISSUER_NOT_ALLOWED'
        | 'DOC_ISSUER_EMBARGOED'
        | 'RESULTS_CONTRADICTORY'
        | 'RISK_SIGNAL_REVIEW'
        | 'SESSION_EXPIRED'
        | 'CONSENT_WITHDRAWN'
        | 'ERASURE_REQUESTED'
        | 'SCORE_AMBIGUOUS'
        | 'CHECK_INCONCLUSIVE'
        | 'JURISDICTION_REVIEW_REQUIRED'
        | 'REVIEW_APPROVED'
        | 'OVERRIDE_APPLIED'
      )[];
      requiredChecks?: (
        'document' | 'face_match' | 'liveness' | 'sanctions' | 'pep' | 'address' | 'age' | 'watchlist'
      )[];
      segment: string;
      sessionId: string;
      /** @enum {string} */
      status:
        | 'initiated'
        | 'capture_in_progress'
        | 'submitted'
        | 'pending_review'
        | 'approved'
        | 'rejected'
        | 'expired'
        | 'needs_resubmission'
        | 'closed';
      subjectId: string;
      tier: string;
      updatedAt: string;
      /**
       * @description Set while no vendor could open the session (outage): the server opens it by itself when the vendor is back
       * @enum {string}
       */
      vendorStatus?: 'waiting_for_vendor';
      /** @description Since when the session waits for the vendor */
      waitingSince?: string;
    };
    WebhookReceiptView: {
      /** @enum {string} */
      status: 'recorded' | 'duplicate' | 'ignored' | 'parked';
    };
    WithdrawalView: {
      at: string;
      proof: components['schemas']['CitationView'];
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  getHealth: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HealthReportView'];
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description A dependency does not answer (details, naming it, only for an operator or auditor) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HealthReportView'];
        };
      };
    };
  };
  getLiveness: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LivenessView'];
        };
      };
    };
  };
  getReadiness: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HealthReportView'];
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description A dependency does not answer (details, naming it, only for an operator or auditor) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HealthReportView'];
        };
      };
    };
  };
  getMetrics: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Metrics */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': string;
        };
      };
    };
  };
  exportAuditBundle: {
    parameters: {
      query?: {
        /** @description A session id */
        session?: unknown;
        /** @description A subject id */
        subject?: unknown;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AuditBundleView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'nothing_to_export';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'checkpoint_unavailable' | 'event_store_unavailable';
          };
        };
      };
    };
  };
  getLatestCheckpoint: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LatestCheckpointView'];
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'no_checkpoint';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  getInclusionProof: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        eventId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InclusionProofView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found' | 'not_yet_checkpointed';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  verifyLedger: {
    parameters: {
      query?: {
        stream?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['VerificationReportView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  getInsightsKpis: {
    parameters: {
      query?: {
        /** @description Only sessions of this jurisdiction (ISO 3166-1 alpha-2) */
        country?: string;
        /** @description Only sessions whose first capture was on this device class */
        deviceClass?: string;
        /** @description Only sessions whose first document was of this type */
        documentType?: string;
        /** @description First UTC day (YYYY-MM-DD), inclusive; default: 29 days before `to` */
        from?: string;
        /** @description Rows per day and this dimension; default: per day */
        groupBy?: 'country' | 'deviceClass' | 'documentType' | 'vendor';
        /** @description Only sessions started under this policy version */
        policyVersion?: string;
        /** @description Last UTC day (YYYY-MM-DD), inclusive; default: today */
        to?: string;
        /** @description Only sessions whose first vendor was this one */
        vendor?: string;
      };
      header?: {
        /** @description Global position (from a command response) the answer must include; waits, bounded, for it */
        'X-Min-Position'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['KpisView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /**
       * @description position_beyond_head: X-Min-Position is beyond the ledger's last position
       *
       *     Well-formed but not acceptable
       */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'position_beyond_head';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /**
       * @description read_model_behind: the position was not reached in time (Retry-After)
       *
       *     Temporarily unavailable (retry later)
       */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable' | 'read_model_behind';
          };
        };
      };
    };
  };
  getMe: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MeView'];
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
    };
  };
  listNotices: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
    };
  };
  getPolicyCalibration: {
    parameters: {
      query?: {
        /** @description Only results of this check kind */
        checkKind?:
          'document' | 'face_match' | 'liveness' | 'sanctions' | 'pep' | 'address' | 'age' | 'watchlist';
        /** @description Results recorded at or after this ISO 8601 time */
        from?: string;
        /** @description Only sessions of this country (ISO 3166-1 alpha-2) */
        jurisdiction?: string;
        /** @description At most this share (0–1) of a group’s rejected or overturned results passing the suggested threshold, e.g. 0 */
        targetFalsePositiveRate?: string;
        /** @description Review budget: at most this share (0–1) of a group’s results below the suggested threshold, e.g. 0.1 */
        targetReviewRate?: string;
        /** @description Results recorded before this ISO 8601 time */
        to?: string;
        /** @description Only this vendor’s results */
        vendor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CalibrationReportView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'calibration_limit_reached';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  getOutcomeQuality: {
    parameters: {
      query?: {
        /** @description Sessions first decided at or after this ISO 8601 time */
        from?: string;
        /** @description Cohort: ISO week of the first decision (default), … */
        groupBy?: 'week' | 'country' | 'vendor' | 'policyVersion';
        /** @description Sessions first decided before this ISO 8601 time */
        to?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OutcomeReportView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  startPolicyReplay: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['StartReplayDto'];
      };
    };
    responses: {
      /** @description OK */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReplayStartedView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'replay_limit_reached';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Well-formed but not acceptable */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'invalid_policy';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  getPolicyReplay: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        replayId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReplayView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'replay_not_found';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
    };
  };
  getShadowSummary: {
    parameters: {
      query?: {
        /** @description Evaluations made at or after this ISO 8601 time */
        from?: string;
        /** @description Only this shadow policy (its hash); adds the sessions behind each change */
        policyHash?: string;
        /** @description Evaluations made before this ISO 8601 time */
        to?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ShadowSummaryView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
    };
  };
  listParkedEvents: {
    parameters: {
      query?: {
        /** @description The `nextAfter` of the previous page */
        after?: string;
        /** @description 1–500 (default 100) */
        limit?: string;
        /** @description Only this projection’s parked events */
        projection?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ParkedEventPage'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
    };
  };
  retryParkedEvent: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ParkedRetryResponse'];
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'parked_event_not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'rebuild_in_progress';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  listReviewQueue: {
    parameters: {
      query?: {
        /** @description Only items assigned to this reviewer */
        assignee?: string;
        /** @description true: only items past their SLA; false: within it */
        breached?: 'true' | 'false';
        /** @description From the previous page’s nextCursor */
        cursor?: string;
        /** @description 1–200 (default 50) */
        limit?: string;
        /** @description Only this escalation queue */
        queue?: string;
        /** @description true: only items nobody is assigned to */
        unassigned?: 'true' | 'false';
      };
      header?: {
        /** @description Global position (from a command response) the answer must include; waits, bounded, for it */
        'X-Min-Position'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReviewQueuePage'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /**
       * @description position_beyond_head: X-Min-Position is beyond the ledger's last position
       *
       *     Well-formed but not acceptable
       */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'position_beyond_head';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /**
       * @description read_model_behind: the position was not reached in time (Retry-After)
       *
       *     Temporarily unavailable (retry later)
       */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable' | 'read_model_behind';
          };
        };
      };
    };
  };
  getSubjectConsents: {
    parameters: {
      query?: never;
      header?: {
        /** @description Global position (from a command response) the answer must include; waits, bounded, for it */
        'X-Min-Position'?: string;
      };
      path: {
        subjectId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SubjectConsentsView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found';
          };
        };
      };
      /**
       * @description position_beyond_head: X-Min-Position is beyond the ledger's last position
       *
       *     Well-formed but not acceptable
       */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'position_beyond_head';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /**
       * @description read_model_behind: the position was not reached in time (Retry-After)
       *
       *     Temporarily unavailable (retry later)
       */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable' | 'read_model_behind';
          };
        };
      };
    };
  };
  grantConsent: {
    parameters: {
      query?: never;
      header?: {
        /** @description A repeat with the same key and body returns the first response; another body is a 422 */
        'Idempotency-Key'?: string;
      };
      path: {
        subjectId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['GrantConsentDto'];
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConsentResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'invalid_idempotency_key' | 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?:
              | 'concurrency_conflict'
              | 'consent_already_exists'
              | 'erasure_release_required'
              | 'idempotency_key_in_progress';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Well-formed but not acceptable */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?:
              | 'consent_evidence_required'
              | 'idempotency_key_reused'
              | 'unknown_consent_scope'
              | 'unknown_notice';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  withdrawConsent: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        consentId: string;
        subjectId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SubjectCommandResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'consent_not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'concurrency_conflict' | 'consent_already_withdrawn';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  requestErasure: {
    parameters: {
      query?: never;
      header?: {
        /** @description A repeat with the same key and body returns the first response; another body is a 422 */
        'Idempotency-Key'?: string;
      };
      path: {
        subjectId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ErasureRequestDto'];
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErasureResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'invalid_idempotency_key' | 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'subject_not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'concurrency_conflict' | 'idempotency_key_in_progress';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Well-formed but not acceptable */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'idempotency_key_reused' | 'position_beyond_head' | 'unknown_erasure_ground';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable' | 'read_model_behind';
          };
        };
      };
    };
  };
  releaseErasureRestriction: {
    parameters: {
      query?: never;
      header?: {
        /** @description A repeat with the same key and body returns the first response; another body is a 422 */
        'Idempotency-Key'?: string;
      };
      path: {
        requestId: string;
        subjectId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ReleaseErasureRestrictionDto'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SubjectCommandResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'invalid_idempotency_key' | 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'erasure_request_not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'concurrency_conflict' | 'idempotency_key_in_progress' | 'restriction_not_in_force';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Well-formed but not acceptable */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'idempotency_key_reused';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  placeLegalHold: {
    parameters: {
      query?: never;
      header?: {
        /** @description A repeat with the same key and body returns the first response; another body is a 422 */
        'Idempotency-Key'?: string;
      };
      path: {
        subjectId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PlaceLegalHoldDto'];
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SubjectCommandResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'invalid_idempotency_key' | 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'concurrency_conflict' | 'idempotency_key_in_progress' | 'legal_hold_already_exists';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Well-formed but not acceptable */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'idempotency_key_reused';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  releaseLegalHold: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        holdId: string;
        subjectId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SubjectCommandResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'legal_hold_not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'concurrency_conflict' | 'legal_hold_already_released';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  readPersonalData: {
    parameters: {
      query?: never;
      header: {
        /** @description Why the data is read (10-500 characters), e.g. a case reference. It is the audit record of the read and is shown to auditors in the timeline: state the reason, not personal data. */
        'X-Justification': string;
      };
      path: {
        subjectId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PersonalDataView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found' | 'subject_not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'concurrency_conflict' | 'processing_restricted';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  endRelationship: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        subjectId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['EndRelationshipDto'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SubjectCommandResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'subject_not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'concurrency_conflict' | 'relationship_already_ended' | 'relationship_not_ended';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Well-formed but not acceptable */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'relationship_end_backdated_too_far' | 'relationship_end_before_start';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  getSubjectRetention: {
    parameters: {
      query?: never;
      header?: {
        /** @description Global position (from a command response) the answer must include; waits, bounded, for it */
        'X-Min-Position'?: string;
      };
      path: {
        subjectId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SubjectRetentionView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found';
          };
        };
      };
      /**
       * @description position_beyond_head: X-Min-Position is beyond the ledger's last position
       *
       *     Well-formed but not acceptable
       */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'position_beyond_head';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /**
       * @description read_model_behind: the position was not reached in time (Retry-After)
       *
       *     Temporarily unavailable (retry later)
       */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable' | 'read_model_behind';
          };
        };
      };
    };
  };
  getSubjectTimeline: {
    parameters: {
      query?: {
        /** @description Entries after this global position */
        after?: string;
        /** @description Point in time: the timeline as the ledger stood at this ISO time */
        asOf?: string;
        /** @description Point in time: the timeline as the ledger stood at this global position */
        atPosition?: string;
        /** @description 1–1000 (default 500) */
        limit?: string;
      };
      header?: {
        /** @description Global position (from a command response) the answer must include; waits, bounded, for it */
        'X-Min-Position'?: string;
      };
      path: {
        subjectId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SubjectTimelineView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found';
          };
        };
      };
      /**
       * @description position_beyond_head: X-Min-Position is beyond the ledger's last position
       *
       *     Well-formed but not acceptable
       */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'position_beyond_head';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /**
       * @description read_model_behind: the position was not reached in time (Retry-After)
       *
       *     Temporarily unavailable (retry later)
       */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable' | 'read_model_behind';
          };
        };
      };
    };
  };
  listVerifications: {
    parameters: {
      query?: {
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
        /** @description Sessions created at or after this ISO 8601 time */
        from?: string;
        /** @description ISO 3166-1 alpha-2 code, e.g. GB */
        jurisdiction?: string;
        /** @description 1–500 (default 100) */
        limit?: string;
        /** @description Only sessions with an override awaiting a second approver (the senior reviewers’ inbox) */
        pendingOverride?: 'true';
        /** @description SHA-256 (hex) of the policy version the session runs under */
        policyHash?: string;
        status?:
          | 'initiated'
          | 'capture_in_progress'
          | 'submitted'
          | 'pending_review'
          | 'approved'
          | 'rejected'
          | 'expired'
          | 'needs_resubmission'
          | 'closed';
        /** @description Only this subject’s sessions */
        subjectId?: string;
        /** @description Sessions created before this ISO 8601 time */
        to?: string;
      };
      header?: {
        /** @description Global position (from a command response) the answer must include; waits, bounded, for it */
        'X-Min-Position'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['VerificationListPage'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /**
       * @description position_beyond_head: X-Min-Position is beyond the ledger's last position
       *
       *     Well-formed but not acceptable
       */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'position_beyond_head';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /**
       * @description read_model_behind: the position was not reached in time (Retry-After)
       *
       *     Temporarily unavailable (retry later)
       */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable' | 'read_model_behind';
          };
        };
      };
    };
  };
  startVerification: {
    parameters: {
      query?: never;
      header?: {
        /** @description A repeat with the same key and body returns the first response; another body is a 422 */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['StartVerificationDto'];
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StartVerificationResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'invalid_idempotency_key' | 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?:
              | 'concurrency_conflict'
              | 'idempotency_key_in_progress'
              | 'processing_restricted'
              | 'too_many_attempts';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Well-formed but not acceptable */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?:
              | 'consent_required'
              | 'idempotency_key_reused'
              | 'unknown_jurisdiction'
              | 'unknown_risk_signal'
              | 'unknown_segment';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable' | 'no_active_policy';
          };
        };
      };
    };
  };
  getVerification: {
    parameters: {
      query?: {
        /** @description ISO time: the status as the ledger stood then */
        asOf?: string;
        /** @description Global position: the status as of that event */
        atPosition?: string;
      };
      header?: {
        /** @description Global position (from a command response) the answer must include; waits, bounded, for it */
        'X-Min-Position'?: string;
      };
      path: {
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['VerificationStatusView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found';
          };
        };
      };
      /**
       * @description position_beyond_head: X-Min-Position is beyond the ledger's last position
       *
       *     Well-formed but not acceptable
       */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'position_beyond_head';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /**
       * @description read_model_behind: the position was not reached in time (Retry-After)
       *
       *     Temporarily unavailable (retry later)
       */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable' | 'read_model_behind';
          };
        };
      };
    };
  };
  startCapture: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['StartCaptureDto'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CommandResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'concurrency_conflict' | 'illegal_transition' | 'verification_expired';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  submitEvidence: {
    parameters: {
      query?: never;
      header?: {
        /** @description A repeat with the same key and body returns the first response; another body is a 422 */
        'Idempotency-Key'?: string;
      };
      path: {
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SubmitEvidenceDto'];
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EvidenceResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'invalid_idempotency_key' | 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?:
              | 'concurrency_conflict'
              | 'evidence_id_conflict'
              | 'idempotency_key_in_progress'
              | 'illegal_transition'
              | 'verification_expired';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Well-formed but not acceptable */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'idempotency_key_reused';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  explainVerification: {
    parameters: {
      query?: {
        /** @description ISO time: the answer as the ledger stood then */
        asOf?: string;
        /** @description Global position: the answer as of that event */
        atPosition?: string;
      };
      header?: never;
      path: {
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ExplanationView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'ledger_corrupt';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  requestOverride: {
    parameters: {
      query?: never;
      header?: {
        /** @description A repeat with the same key and body returns the first response; another body is a 422 */
        'Idempotency-Key'?: string;
      };
      path: {
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RequestOverrideDto'];
      };
    };
    responses: {
      /** @description Created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OverrideResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'invalid_idempotency_key' | 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?:
              | 'concurrency_conflict'
              | 'idempotency_key_in_progress'
              | 'illegal_transition'
              | 'override_already_exists'
              | 'override_not_permitted'
              | 'override_outcome_unchanged'
              | 'override_pending'
              | 'verification_expired';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Well-formed but not acceptable */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'idempotency_key_reused' | 'reason_code_not_allowed' | 'reason_code_required';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  approveOverride: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        overrideId: string;
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CommandResponse'];
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden' | 'four_eyes_violation' | 'senior_reviewer_required';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found' | 'override_not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?:
              | 'concurrency_conflict'
              | 'illegal_transition'
              | 'override_already_decided'
              | 'verification_expired';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  rejectOverride: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        overrideId: string;
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RejectOverrideDto'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CommandResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden' | 'four_eyes_violation' | 'senior_reviewer_required';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found' | 'override_not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?:
              | 'concurrency_conflict'
              | 'illegal_transition'
              | 'override_already_decided'
              | 'verification_expired';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  assignReviewer: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AssignReviewerDto'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CommandResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden' | 'reassignment_not_allowed';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'concurrency_conflict' | 'illegal_transition' | 'verification_expired';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  decideReview: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ReviewDecisionDto'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CommandResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'compliance_clearance_required' | 'forbidden' | 'senior_reviewer_required';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?:
              | 'concurrency_conflict'
              | 'illegal_transition'
              | 'review_assigned_to_other'
              | 'verification_expired';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Well-formed but not acceptable */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'note_required' | 'reason_code_not_allowed' | 'reason_code_required';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  getVerificationTimeline: {
    parameters: {
      query?: {
        /** @description Entries after this global position */
        after?: string;
        /** @description Point in time: the timeline as the ledger stood at this ISO time */
        asOf?: string;
        /** @description Point in time: the timeline as the ledger stood at this global position */
        atPosition?: string;
        /** @description 1–1000 (default 500) */
        limit?: string;
      };
      header?: {
        /** @description Global position (from a command response) the answer must include; waits, bounded, for it */
        'X-Min-Position'?: string;
      };
      path: {
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionTimelineView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found';
          };
        };
      };
      /**
       * @description position_beyond_head: X-Min-Position is beyond the ledger's last position
       *
       *     Well-formed but not acceptable
       */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'position_beyond_head';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /**
       * @description read_model_behind: the position was not reached in time (Retry-After)
       *
       *     Temporarily unavailable (retry later)
       */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable' | 'read_model_behind';
          };
        };
      };
    };
  };
  recordVendorResult: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['VendorResultDto'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CommandResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?:
              'concurrency_conflict' | 'evidence_required' | 'illegal_transition' | 'verification_expired';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable' | 'no_active_policy';
          };
        };
      };
    };
  };
  openVendorSession: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sessionId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['OpenVendorSessionDto'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['VendorSessionResponse'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'malformed_json' | 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found' | 'vendor_not_configured';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?:
              | 'concurrency_conflict'
              | 'illegal_transition'
              | 'processing_restricted'
              | 'verification_expired';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Well-formed but not acceptable */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'applicant_name_required' | 'consent_required';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable' | 'vendor_unavailable';
          };
        };
      };
    };
  };
  receiveWebhook: {
    parameters: {
      query?: never;
      header?: {
        /** @description Persona: t=<unix>,v1=<hex> */
        'Persona-Signature'?: string;
        /** @description Veriff (with X-AUTH-CLIENT) */
        'X-HMAC-SIGNATURE'?: string;
        /** @description Sumsub (with X-Payload-Digest-Alg) */
        'X-Payload-Digest'?: string;
        /** @description Onfido */
        'X-SHA2-Signature'?: string;
      };
      path: {
        vendor: 'onfido' | 'veriff' | 'sumsub' | 'persona';
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Recorded, a duplicate, or ignored */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookReceiptView'];
        };
      };
      /** @description Parked: the session is not known yet */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookReceiptView'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'malformed_json';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'invalid_webhook_signature';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'not_found' | 'vendor_not_configured';
          };
        };
      };
      /** @description The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'payload_too_large';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
    };
  };
  listParkedDeliveries: {
    parameters: {
      query?: {
        /** @description The `nextCursor` of the previous page */
        cursor?: string;
        /** @description 1–500 (default 100) */
        limit?: string;
        reason?: 'unknown_session' | 'result_not_in_payload' | 'unrecognised_payload' | 'sandbox_result';
        /** @description Default: all */
        status?: 'parked' | 'resolved';
        vendor?: 'onfido' | 'veriff' | 'sumsub' | 'persona';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ParkedDeliveryPage'];
        };
      };
      /** @description The request is malformed or failed validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'validation_failed';
          };
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
  replayParkedDelivery: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ParkedReplayResponse'];
        };
      };
      /** @description No valid credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description The caller may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'parked_delivery_not_found';
          };
        };
      };
      /** @description Conflicts with the current state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?:
              | 'concurrency_conflict'
              | 'parked_delivery_not_replayable'
              | 'parked_delivery_resolved'
              | 'session_still_unknown';
          };
        };
      };
      /** @description Too many requests */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'too_many_requests';
          };
        };
      };
      /** @description Temporarily unavailable (retry later) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemView'] & {
            /** @enum {string} */
            code?: 'event_store_unavailable';
          };
        };
      };
    };
  };
}
