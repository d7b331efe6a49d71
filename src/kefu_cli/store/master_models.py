"""Master lists (migration 0007): the branches (机构) and handlers (经办人) cases may name.

A case keeps the branch and handler as names (the text a report prints); these tables are the
list those names are checked against, and the branch's letterhead (address, service phone).
Nothing is deleted: a handler who leaves is retired (`active` false) and stays in old cases.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel


class Branch(SQLModel, table=True):
    __tablename__ = "branch"

    name: str = Field(primary_key=True, max_length=60)  # as cases name it: 朝阳支公司
    full_name: str = Field(default="", max_length=100)  # letterhead: XX人寿保险股份有限公司北京朝阳支公司
    address: str = Field(default="", max_length=255)
    phone: str = Field(default="", max_length=40)  # the branch's service phone
    active: bool = True
    created_at: dt.datetime = Field(sa_type=DateTime())
    created_by: str = Field(max_length=60)
    updated_at: dt.datetime = Field(sa_type=DateTime())


class Handler(SQLModel, table=True):
    __tablename__ = "handler"

    name: str = Field(primary_key=True, max_length=60)
    branch: str = Field(default="", max_length=60)
    active: bool = True
    created_at: dt.datetime = Field(sa_type=DateTime())
    created_by: str = Field(max_length=60)
    updated_at: dt.datetime = Field(sa_type=DateTime())
