//! Foundation: schools, persons, accounts, role assignments, invite codes, sessions with refresh
//! tokens, API tokens and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

use crate::keys::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
    Name,
    TimeZone,
    Settings,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Login,
    LoginNormalized,
    PasswordHash,
    Email,
    IsSuperadmin,
    IsActive,
    CreatedAt,
    LastLoginAt,
    PasswordChangedAt,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
    SchoolId,
    LastName,
    FirstName,
    MiddleName,
    ExternalId,
    AccountId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RoleAssignments {
    Table,
    Id,
    SchoolId,
    AccountId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum InviteCodes {
    Table,
    Id,
    SchoolId,
    PersonId,
    Role,
    CodeHash,
    CodeHint,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    UsedBy,
    RevokedAt,
    RevokedBy,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    AccountId,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
    Ip,
    UserAgent,
    RevokedAt,
    RevokedReason,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    SessionId,
    TokenHash,
    CreatedAt,
    RotatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    AccountId,
    Name,
    TokenHash,
    Prefix,
    Scopes,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    SchoolId,
    At,
    ActorAccountId,
    OnBehalfOf,
    Action,
    ObjectType,
    ObjectId,
    OldValue,
    NewValue,
    Ip,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Schools::Table)
                .col(uuid(Schools::Id).primary_key())
                .col(string_len(Schools::Name, 300))
                .col(string_len(Schools::TimeZone, 64))
                .col(text(Schools::Settings).default("{}"))
                .col(timestamp_with_time_zone(Schools::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Accounts::Table)
                .col(uuid(Accounts::Id).primary_key())
                .col(string_len(Accounts::Login, 64))
                .col(string_len(Accounts::LoginNormalized, 64).unique_key())
                .col(string_len(Accounts::PasswordHash, 255))
                .col(string_len_null(Accounts::Email, 254))
                .col(boolean(Accounts::IsSuperadmin).default(false))
                .col(boolean(Accounts::IsActive).default(true))
                .col(timestamp_with_time_zone(Accounts::CreatedAt))
                .col(timestamp_with_time_zone_null(Accounts::LastLoginAt))
                .col(timestamp_with_time_zone(Accounts::PasswordChangedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Persons::Table)
                .col(uuid(Persons::Id).primary_key())
                .col(uuid(Persons::SchoolId))
                .col(string_len(Persons::LastName, 100))
                .col(string_len(Persons::FirstName, 100))
                .col(string_len_null(Persons::MiddleName, 100))
                .col(string_len_null(Persons::ExternalId, 64))
                .col(uuid_null(Persons::AccountId))
                .col(timestamp_with_time_zone(Persons::CreatedAt))
                .col(timestamp_with_time_zone(Persons::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_persons_school",
                    (Persons::Table, Persons::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_persons_account",
                    (Persons::Table, Persons::AccountId),
                    (Accounts::Table, Accounts::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        // NULL external ids do not collide in either database.
        m.create_index(
            Index::create()
                .name("ux_persons_school_external_id")
                .table(Persons::Table)
                .col(Persons::SchoolId)
                .col(Persons::ExternalId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_persons_school_account")
                .table(Persons::Table)
                .col(Persons::SchoolId)
                .col(Persons::AccountId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_persons_account")
                .table(Persons::Table)
                .col(Persons::AccountId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RoleAssignments::Table)
                .col(uuid(RoleAssignments::Id).primary_key())
                .col(uuid(RoleAssignments::SchoolId))
                .col(uuid(RoleAssignments::AccountId))
                .col(string_len(RoleAssignments::Role, 16))
                .col(timestamp_with_time_zone(RoleAssignments::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_roles_school",
                    (RoleAssignments::Table, RoleAssignments::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_roles_account",
                    (RoleAssignments::Table, RoleAssignments::AccountId),
                    (Accounts::Table, Accounts::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_roles_school_account_role")
                .table(RoleAssignments::Table)
                .col(RoleAssignments::SchoolId)
                .col(RoleAssignments::AccountId)
                .col(RoleAssignments::Role)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_roles_account")
                .table(RoleAssignments::Table)
                .col(RoleAssignments::AccountId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(InviteCodes::Table)
                .col(uuid(InviteCodes::Id).primary_key())
                .col(uuid(InviteCodes::SchoolId))
                .col(uuid(InviteCodes::PersonId))
                .col(string_len(InviteCodes::Role, 16))
                .col(string_len(InviteCodes::CodeHash, 64).unique_key())
                .col(string_len(InviteCodes::CodeHint, 4))
                .col(uuid_null(InviteCodes::CreatedBy))
                .col(timestamp_with_time_zone(InviteCodes::CreatedAt))
                .col(timestamp_with_time_zone(InviteCodes::ExpiresAt))
                .col(timestamp_with_time_zone_null(InviteCodes::UsedAt))
                .col(uuid_null(InviteCodes::UsedBy))
                .col(timestamp_with_time_zone_null(InviteCodes::RevokedAt))
                .col(uuid_null(InviteCodes::RevokedBy))
                .foreign_key(&mut fk(
                    "fk_invites_school",
                    (InviteCodes::Table, InviteCodes::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_invites_person",
                    (InviteCodes::Table, InviteCodes::PersonId),
                    (Persons::Table, Persons::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_invites_school_created")
                .table(InviteCodes::Table)
                .col(InviteCodes::SchoolId)
                .col(InviteCodes::CreatedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(uuid(Sessions::Id).primary_key())
                .col(uuid(Sessions::AccountId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::LastUsedAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(string_len_null(Sessions::Ip, 64))
                .col(string_len_null(Sessions::UserAgent, 512))
                .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                .col(string_len_null(Sessions::RevokedReason, 32))
                .foreign_key(&mut fk(
                    "fk_sessions_account",
                    (Sessions::Table, Sessions::AccountId),
                    (Accounts::Table, Accounts::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_sessions_account")
                .table(Sessions::Table)
                .col(Sessions::AccountId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RefreshTokens::Table)
                .col(uuid(RefreshTokens::Id).primary_key())
                .col(uuid(RefreshTokens::SessionId))
                .col(string_len(RefreshTokens::TokenHash, 64).unique_key())
                .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::RotatedAt))
                .foreign_key(&mut fk(
                    "fk_refresh_session",
                    (RefreshTokens::Table, RefreshTokens::SessionId),
                    (Sessions::Table, Sessions::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(uuid(ApiTokens::Id).primary_key())
                .col(uuid(ApiTokens::AccountId))
                .col(string_len(ApiTokens::Name, 100))
                .col(string_len(ApiTokens::TokenHash, 64).unique_key())
                .col(string_len(ApiTokens::Prefix, 16))
                .col(string_len(ApiTokens::Scopes, 64))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone(ApiTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                .foreign_key(&mut fk(
                    "fk_api_tokens_account",
                    (ApiTokens::Table, ApiTokens::AccountId),
                    (Accounts::Table, Accounts::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_api_tokens_account")
                .table(ApiTokens::Table)
                .col(ApiTokens::AccountId)
                .to_owned(),
        )
        .await?;

        // The audit log keeps ids without foreign keys: a record must outlive what it describes.
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(uuid(AuditLog::Id).primary_key())
                .col(uuid_null(AuditLog::SchoolId))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(uuid_null(AuditLog::ActorAccountId))
                .col(uuid_null(AuditLog::OnBehalfOf))
                .col(string_len(AuditLog::Action, 64))
                .col(string_len_null(AuditLog::ObjectType, 64))
                .col(string_len_null(AuditLog::ObjectId, 64))
                .col(text_null(AuditLog::OldValue))
                .col(text_null(AuditLog::NewValue))
                .col(string_len_null(AuditLog::Ip, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_school_at")
                .table(AuditLog::Table)
                .col(AuditLog::SchoolId)
                .col(AuditLog::At)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_actor_at")
                .table(AuditLog::Table)
                .col(AuditLog::ActorAccountId)
                .col(AuditLog::At)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditLog::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            InviteCodes::Table.into_iden(),
            RoleAssignments::Table.into_iden(),
            Persons::Table.into_iden(),
            Accounts::Table.into_iden(),
            Schools::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
