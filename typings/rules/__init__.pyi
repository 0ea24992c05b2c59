"""Types for django-rules: its decorator and permission functions ship without annotations."""

from rules.permissions import add_perm as add_perm
from rules.permissions import has_perm as has_perm
from rules.permissions import perm_exists as perm_exists
from rules.permissions import remove_perm as remove_perm
from rules.permissions import set_perm as set_perm
from rules.predicates import Predicate as Predicate
from rules.predicates import always_allow as always_allow
from rules.predicates import always_deny as always_deny
from rules.predicates import always_false as always_false
from rules.predicates import always_true as always_true
from rules.predicates import is_active as is_active
from rules.predicates import is_authenticated as is_authenticated
from rules.predicates import is_group_member as is_group_member
from rules.predicates import is_staff as is_staff
from rules.predicates import is_superuser as is_superuser
from rules.predicates import predicate as predicate
from rules.rulesets import RuleSet as RuleSet
from rules.rulesets import add_rule as add_rule
from rules.rulesets import remove_rule as remove_rule
from rules.rulesets import rule_exists as rule_exists
from rules.rulesets import set_rule as set_rule
from rules.rulesets import test_rule as test_rule

VERSION: tuple[int, int, int, str, int]
