"""Meetings: the dated engagements, their list and `meetingRecord`."""
