"""Linear's GraphQL documents (api-facts §2). Every operation is named: the name shows in Linear's logs
and lets a fake dispatch on it."""

from __future__ import annotations

ISSUE_FIELDS = """
fragment IssueFields on Issue {
  id identifier title description priority dueDate estimate
  createdAt updatedAt completedAt canceledAt archivedAt trashed url
  state { id name type }
  assignee { id }
  project { id }
  labelIds
  parent { id }
  inverseRelations(first: 50) { nodes { id type issue { id } } }
}
"""

PAGE_INFO = "pageInfo { hasNextPage endCursor }"

VIEWER = "query Viewer { viewer { id name displayName email } }"

TEAMS = f"""
query Teams($first: Int, $after: String) {{
  teams(first: $first, after: $after) {{
    nodes {{
      id key name
      states(first: 100) {{ nodes {{ id name type position }} }}
      labels(first: 250) {{ nodes {{ id name }} }}
    }}
    {PAGE_INFO}
  }}
}}
"""

USERS = f"""
query Users($first: Int, $after: String) {{
  users(first: $first, after: $after) {{ nodes {{ id name displayName email active }} {PAGE_INFO} }}
}}
"""

PROJECTS = f"""
query Projects($first: Int, $after: String) {{
  projects(first: $first, after: $after) {{
    nodes {{ id name description teams {{ nodes {{ id }} }} }}
    {PAGE_INFO}
  }}
}}
"""

PROJECT = "query Project($id: String!) { project(id: $id) { id name description } }"

PROJECT_CREATE = """
mutation ProjectCreate($input: ProjectCreateInput!) {
  projectCreate(input: $input) { success project { id name description } }
}
"""

PROJECT_UPDATE = """
mutation ProjectUpdate($id: String!, $input: ProjectUpdateInput!) {
  projectUpdate(id: $id, input: $input) { success project { id name description } }
}
"""

PROJECT_DELETE = "mutation ProjectDelete($id: String!) { projectDelete(id: $id) { success } }"

ISSUES = f"""
query Issues($first: Int, $after: String, $filter: IssueFilter) {{
  issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt, includeArchived: true) {{
    nodes {{ ...IssueFields }}
    {PAGE_INFO}
  }}
}}
{ISSUE_FIELDS}
"""

ISSUE = f"""
query Issue($id: String!) {{ issue(id: $id) {{ ...IssueFields }} }}
{ISSUE_FIELDS}
"""

ISSUE_CREATE = f"""
mutation IssueCreate($input: IssueCreateInput!) {{
  issueCreate(input: $input) {{ success issue {{ ...IssueFields }} }}
}}
{ISSUE_FIELDS}
"""

ISSUE_UPDATE = f"""
mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) {{
  issueUpdate(id: $id, input: $input) {{ success issue {{ ...IssueFields }} }}
}}
{ISSUE_FIELDS}
"""

ISSUE_DELETE = "mutation IssueDelete($id: String!) { issueDelete(id: $id) { success } }"

LABEL_CREATE = """
mutation IssueLabelCreate($input: IssueLabelCreateInput!) {
  issueLabelCreate(input: $input) { success issueLabel { id name } }
}
"""

# "A blocks B" is one relation of type ``blocks`` with ``issueId`` A and ``relatedIssueId`` B; B lists it in
# its ``inverseRelations`` (there is no "blocked by" type).
ISSUE_RELATION_CREATE = """
mutation IssueRelationCreate($input: IssueRelationCreateInput!) {
  issueRelationCreate(input: $input) { success issueRelation { id type } }
}
"""

ISSUE_RELATION_DELETE = """
mutation IssueRelationDelete($id: String!) { issueRelationDelete(id: $id) { success } }
"""
