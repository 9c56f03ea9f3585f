/* What other features use of audit: the audit timeline's read side (sessions and subjects show their timelines). */
export { AUDIT_TIMELINE } from './timeline/timeline.projection';
export {
  SessionTimelineView,
  SubjectTimelineView,
  TimelinePageQuery,
  TimelineRepository,
  timelineEntryView,
  timelinePage,
} from './timeline/timeline.queries';
