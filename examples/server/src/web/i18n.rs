//! The pages' words, in Vietnamese (the default, the manual's labels) and English. A
//! template reads `t.field`: a missing word is a compile error, in both languages.

/// Which language a page is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Tiếng Việt (the default).
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// From the `chamdiem_lang` cookie's value.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    /// The code (`vi`, `en`), for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
    /// The words.
    pub fn text(self) -> &'static Text {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }
    /// The manual's label of a state, or its English one.
    pub fn state(self, s: chamdiem::State) -> &'static str {
        match self {
            Lang::Vi => s.label_vi(),
            Lang::En => s.label_en(),
        }
    }
    /// A role's name.
    pub fn role(self, r: chamdiem::Role) -> &'static str {
        let t = self.text();
        match r {
            chamdiem::Role::Unit => t.role_unit,
            chamdiem::Role::Reviewer => t.role_reviewer,
            chamdiem::Role::Admin => t.role_admin,
            chamdiem::Role::Viewer => t.role_viewer,
        }
    }
}

macro_rules! catalogue {
    ($($key:ident: $vi:expr, $en:expr;)*) => {
        /// Every word of the pages.
        #[derive(Debug)]
        #[allow(missing_docs)]
        pub struct Text { $(pub $key: &'static str,)* }
        /// Tiếng Việt.
        pub static VI: Text = Text { $($key: $vi,)* };
        /// English.
        pub static EN: Text = Text { $($key: $en,)* };
    };
}

catalogue! {
    app_name: "Chấm điểm", "Scoring";
    skip: "Bỏ qua đến nội dung", "Skip to content";
    menu: "Menu", "Menu";
    menu_home: "Hồ sơ", "Dossiers";
    menu_self: "1- Tự đánh giá chấm điểm", "1- Self-assessment";
    menu_explain: "Giải trình theo yêu cầu của tỉnh", "Explanations requested by the province";
    menu_results: "3. Kết quả đánh giá", "3. Results";
    menu_completed: "Hồ sơ hoàn thành", "Completed dossiers";
    menu_admin: "Quản trị", "Administration";
    account: "Tài khoản", "Account";
    account_settings: "Cài đặt tài khoản", "Account settings";
    logout: "Đăng xuất", "Log out";
    login: "Đăng nhập", "Log in";
    login_title: "Đăng nhập hệ thống", "Log in";
    login_name: "Tên tài khoản", "Account name";
    password: "Mật khẩu", "Password";
    bad_credentials: "Tên tài khoản hoặc mật khẩu không đúng.", "The account name or the password is not correct.";
    too_many: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau (giây):", "Too many failed logins. Try again after (seconds):";
    save: "Lưu", "Save";
    saved: "Đã lưu.", "Saved.";
    name: "Họ và tên", "Name";
    email: "Thư điện tử", "E-mail";
    phone: "Điện thoại", "Phone";
    role: "Vai trò", "Role";
    unit: "Đơn vị", "Unit";
    role_unit: "Cán bộ đơn vị được đánh giá", "Assessed unit";
    role_reviewer: "Cán bộ thẩm định (tỉnh)", "Reviewer (province)";
    role_admin: "Quản trị hệ thống", "Administrator";
    role_viewer: "Xem", "Viewer";
    change_password: "Đổi mật khẩu", "Change password";
    current_password: "Mật khẩu hiện tại", "Current password";
    new_password: "Mật khẩu mới", "New password";
    password_hint: "Tối thiểu 8 ký tự; có thể dùng câu tiếng Việt có dấu.", "At least 8 characters; a sentence works well.";
    password_changed: "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.", "Password changed. Your other sessions have ended.";
    must_change: "Vui lòng đổi mật khẩu tạm trước khi tiếp tục.", "Please change your temporary password first.";
    dossiers: "Danh sách hồ sơ", "Dossiers";
    no_dossiers: "Chưa có hồ sơ nào.", "No dossiers yet.";
    period: "Kỳ đánh giá", "Period";
    state: "Trạng thái", "State";
    version: "Phiên bản", "Version";
    updated: "Cập nhật", "Updated";
    open: "Mở", "Open";
    dossier: "Hồ sơ", "Dossier";
    criteria_set: "Bộ chỉ tiêu", "Criteria set";
    self_points: "Điểm tự chấm", "Self-assessment";
    review_points: "Điểm thẩm định", "Review";
    final_points: "Điểm cuối cùng", "Final";
    max_points: "Điểm tối đa", "Maximum";
    percent: "Tỷ lệ", "Percent";
    classification: "Xếp loại", "Classification";
    total: "Tổng", "Total";
    group: "Nhóm chỉ tiêu", "Criteria group";
    actions: "Thao tác có thể thực hiện", "Possible actions";
    allowed: "được phép", "allowed";
    not_now: "chưa thể", "not now";
    history: "Lịch sử", "History";
    when: "Thời gian", "When";
    who: "Người thực hiện", "Who";
    what: "Nội dung", "What";
    error: "Lỗi", "Error";
    back_home: "Về trang chủ", "Back to the start page";
    not_found: "Không tìm thấy trang hoặc hồ sơ này.", "This page or dossier does not exist.";
    forbidden: "Bạn không có quyền thực hiện thao tác này.", "You may not do this.";
    csrf: "Yêu cầu bị từ chối để bảo vệ tài khoản của bạn. Vui lòng tải lại trang và thử lại.", "The request was refused to protect your account. Reload the page and try again.";
    language: "Ngôn ngữ", "Language";
    admin_units: "Đơn vị", "Units";
    admin_users: "Người dùng", "Users";
    admin_periods: "Kỳ đánh giá", "Periods";
    admin_sets: "Bộ chỉ tiêu", "Criteria sets";
    id: "Mã định danh", "Id";
    code: "Mã", "Code";
    kind: "Loại", "Kind";
    parent: "Đơn vị cấp trên", "Parent unit";
    none: "(không)", "(none)";
    create: "Thêm mới", "Create";
    edit: "Sửa", "Edit";
    login_col: "Tài khoản", "Account";
    disabled: "Đã khóa", "Disabled";
    active: "Đang hoạt động", "Active";
    disable: "Khóa tài khoản", "Disable account";
    enable: "Mở khóa tài khoản", "Enable account";
    reset_password: "Cấp lại mật khẩu", "Reset password";
    temporary_password: "Mật khẩu tạm (chỉ hiện một lần, người dùng phải đổi khi đăng nhập):", "Temporary password (shown once; it must be changed at the first login):";
    year: "Năm", "Year";
    assessing_unit: "Đơn vị thẩm định", "Assessing unit";
    deadline: "Hạn tự chấm (RFC 3339, ví dụ 2026-03-31T23:59:59+07:00)", "Self-assessment deadline (RFC 3339, e.g. 2026-03-31T23:59:59+07:00)";
    sets_per_kind: "Bộ chỉ tiêu theo loại đơn vị", "Criteria set per kind of unit";
    open_dossiers: "Mở hồ sơ cho các đơn vị", "Open dossiers for units";
    opened: "Đã mở hồ sơ:", "Dossiers opened:";
    import: "Nhập bộ chỉ tiêu", "Import a criteria set";
    import_hint: "Tệp JSON, TOML (dạng rút gọn) hoặc Excel (.xlsx) theo mẫu.", "A JSON, compact TOML or Excel (.xlsx) file following the template.";
    file: "Tệp", "File";
    template: "Tải mẫu Excel (có sẵn ví dụ)", "Download the Excel template (filled example)";
    imported: "Đã nhập bộ chỉ tiêu:", "Imported criteria set:";
    problems: "Bộ chỉ tiêu có lỗi, chưa nhập:", "The criteria set has problems; nothing was imported:";
    sheet: "Trang", "Sheet";
    row: "Hàng", "Row";
    column: "Cột", "Column";
    message: "Lỗi", "Problem";
    revision: "Phiên bản", "Revision";
    revision_short: "PB", "Rev.";
    // The manual's menus and the screens of part 2.
    menu_self_enter: "Vào tự chấm điểm", "Enter self-scoring";
    menu_submit: "Chuyển chấm hoàn thành", "Move to scoring complete";
    menu_explain_dossier: "Giải trình theo hồ sơ YC tỉnh", "Explain the province's requests";
    menu_review: "Tỉnh chấm điểm", "Province review";
    menu_dashboard: "Tổng hợp kỳ đánh giá", "Period overview";
    tab_overview: "Tổng quan", "Overview";
    self_title: "Tự đánh giá, chấm điểm", "Self-assessment";
    review_title: "Tỉnh chấm điểm", "Province review";
    due: "Hạn", "Due";
    show: "Xem", "Show";
    read_only: "Hồ sơ không ở bước tự chấm: chỉ xem.", "The dossier is not in self-assessment: read only.";
    group_total: "Điểm nhóm", "Group";
    dossier_total: "Tổng điểm hồ sơ", "Dossier total";
    totals: "Tổng hợp điểm", "Totals";
    points_unit: "điểm", "points";
    eval_case: "Trường hợp đánh giá", "Evaluation case";
    choose_case: "— Chọn trường hợp đánh giá —", "— Choose an evaluation case —";
    measured_value: "Giá trị đo được", "Measured value";
    allowed_values: "Giá trị cho phép", "Allowed values";
    or_case: "Hoặc", "Or";
    use_value: "— Dùng giá trị đã nhập —", "— Use the value entered —";
    unit_points: "Điểm đơn vị tự chấm", "Unit's points";
    unit_opinion: "Ý kiến Cấp sở, CC", "Opinion of the department";
    not_scored: "Chưa chấm", "Not scored";
    evidence: "Tài liệu kiểm chứng", "Evidence";
    required: "Bắt buộc", "Required";
    no_evidence: "Chưa có tài liệu.", "No documents yet.";
    upload_docs: "Tải tài liệu", "Upload documents";
    add_file: "Thêm File", "Add files";
    upload: "Tải lên", "Upload";
    delete: "Xóa", "Delete";
    close: "Đóng", "Close";
    upload_hint: "Có thể chọn nhiều tệp cùng lúc. Tối đa {limit} mỗi tệp; nhận các loại: {types}. Tệp lớn nên nén thành .zip hoặc chia nhỏ.", "Several files may be chosen at once. At most {limit} per file; accepted: {types}. Compress large files as .zip or split them.";
    upload_done: "Đã tải lên.", "Uploaded.";
    upload_failed: "Tải lên không thành công. Vui lòng thử lại.", "The upload failed. Please try again.";
    upload_waiting: "Chờ tải lên", "Waiting";
    next_group: "Nhóm tiếp theo", "Next group";
    criterion: "Chỉ tiêu", "Criterion";
    done_prefix: "Đã thực hiện:", "Done:";
    unit_side: "Đơn vị tự chấm", "The unit's self-assessment";
    review_side: "Tỉnh chấm", "The province's review";
    review_case: "Trường hợp đánh giá của tỉnh", "The province's evaluation case";
    review_opinion: "Ý kiến thẩm định của tỉnh", "The province's opinion";
    request_flag: "Yêu cầu giải trình", "Explanation requested";
    request_note: "Nội dung yêu cầu giải trình", "What to explain";
    asked_before: "Đã yêu cầu giải trình ở vòng trước", "Asked in an earlier round";
    asked_short: "YC giải trình", "explain";
    review_hidden: "Điểm thẩm định của tỉnh chưa được công bố.", "The province's review is not released yet.";
    first_review: "Tỉnh chấm lần 1", "First review";
    waiting_explanation: "Đơn vị đang giải trình: tỉnh chấm lại sau khi đơn vị xác nhận đã giải trình xong.", "The unit is explaining: the province re-scores once the unit confirms it has finished.";
    explanation: "Nội dung giải trình", "Explanation";
    explained_tick: "Huyện, Sở đã giải trình xong", "Explanation finished (district, department)";
    explanation_finished: "Đơn vị đã giải trình xong", "Explanation finished";
    finish_explanation_title: "Xác nhận cho toàn bộ hồ sơ", "Confirm for the whole dossier";
    filter: "Lọc", "Filter";
    filter_all: "Tất cả chỉ tiêu", "All criteria";
    filter_requested: "Tỉnh yêu cầu giải trình", "Explanation requested by the province";
    apply: "Áp dụng", "Apply";
    criteria_shown: "chỉ tiêu", "criteria";
    round: "Vòng giải trình", "Explanation round";
    scored_count: "Số chỉ tiêu đã chấm", "Criteria scored";
    ready_to_submit: "Hồ sơ đã đủ điều kiện để chuyển.", "The dossier is ready to be moved on.";
    missing_title: "Còn thiếu (bấm để mở chỉ tiêu):", "Still missing (follow the links):";
    warnings_title: "Cần xem lại:", "Worth a second look:";
    submit_tick: "2.2 Huyện, Sở tự chấm xong", "2.2 District / department finished self-scoring";
    submit_button: "Chuyển sang trạng thái mới", "Move to the new state";
    already_submitted: "Hồ sơ đã được chuyển khỏi bước tự chấm.", "The dossier has left self-assessment.";
    tick_first: "Vui lòng đánh dấu xác nhận trước khi chuyển.", "Tick the confirmation first.";
    bad_date: "Ngày không hợp lệ (dạng năm-tháng-ngày).", "Not a valid date (year-month-day).";
    reason: "Lý do", "Reason";
    optional: "không bắt buộc", "optional";
    confirm_question: "Bạn có chắc chắn muốn thực hiện thao tác này?", "Do you want to do this?";
    confirm_button: "Xác nhận", "Confirm";
    cancel: "Hủy", "Cancel";
    back: "Quay lại", "Back";
    err_wrong_state: "Hồ sơ đang ở trạng thái không cho phép thao tác này", "The dossier's state does not allow this";
    err_deadline: "Đã quá hạn; hạn là", "The deadline has passed; it was";
    err_conflict: "Người khác vừa thay đổi các chỉ tiêu này. Vui lòng tải lại trang rồi nhập lại.", "Someone else has just changed these criteria. Reload the page and enter your changes again.";
    err_guard: "Chưa thể thực hiện:", "Not possible yet:";
    err_range: "giá trị nằm ngoài khoảng cho phép", "the value is outside the allowed range";
    err_case: "trường hợp đánh giá không tồn tại", "no such evaluation case";
    err_input: "Dữ liệu nhập không hợp lệ", "Invalid input";
    chart_title: "Tỷ lệ điểm theo nhóm chỉ tiêu (%)", "Points by criteria group (%)";
    title: "Nội dung", "Title";
    difference: "Chênh lệch", "Difference";
    differences_count: "Số chỉ tiêu tỉnh chấm khác đơn vị", "Criteria scored differently by the province";
    all_groups: "Tất cả các nhóm", "All groups";
    all_criteria: "Tất cả chỉ tiêu", "All criteria";
    export_xlsx: "Xuất Excel", "Export to Excel";
    export_ranking: "Xuất bảng xếp hạng ra Excel", "Export the ranking to Excel";
    print_view: "Bản in", "Print view";
    print: "In", "Print";
    printed_at: "In lúc", "Printed";
    sign_unit: "Đại diện đơn vị", "For the unit";
    sign_province: "Đại diện tỉnh", "For the province";
    changes: "Giá trị cũ → mới", "Old → new";
    history_all: "Xem toàn bộ lịch sử", "The whole history";
    removed: "bỏ", "removed";
    yes: "có", "yes";
    no: "không", "no";
    results_intro: "Điểm tự chấm và điểm thẩm định của các hồ sơ; bấm tên hồ sơ để xem chi tiết.", "Self-assessment and review totals of the dossiers; open a dossier by its name.";
    completed_intro: "Các hồ sơ đã hoàn thành (lưu trữ): điểm tự chấm và điểm của tỉnh đặt cạnh nhau; bấm tên hồ sơ để xem điểm chi tiết.", "Completed (archived) dossiers, self-assessment and review side by side; open a dossier by its name for the detail.";
    pick_dossier: "Chọn hồ sơ:", "Choose a dossier:";
    self_scored: "Đã tự chấm", "Self-scored";
    reviewed: "Tỉnh đã chấm", "Reviewed";
    deadlines: "Thời hạn", "Deadlines";
    self_deadline: "Tự chấm", "Self-assessment";
    explain_deadline: "Giải trình", "Explanation";
    late: "Quá hạn", "Late";
    ranking: "Xếp hạng", "Ranking";
    rank: "Hạng", "Rank";
    sheet_results: "Kết quả", "Results";
    sheet_ranking: "Xếp hạng", "Ranking";
    hint_self_assessed: "Đơn vị đã tự chấm xong: tỉnh chấm điểm, yêu cầu giải trình hoặc trả lại.", "Self-assessment finished: review, ask for explanations or return.";
    hint_explanation: "Chờ đơn vị giải trình; khi đơn vị xác nhận đã giải trình xong, tỉnh chấm lại.", "Waiting for the unit's explanation; re-score once it is finished.";
    hint_reviewed: "Tỉnh đã chấm xong: lưu trữ hoặc mở lại.", "Review finished: archive or reopen.";
    hint_self_assessment: "Đơn vị đang tự chấm.", "The unit is scoring itself.";
    hint_completed: "Đã hoàn thành, lưu trữ.", "Completed and archived.";
}

/// A missing item of a refused guard, in words (`MissingCode`).
pub fn missing(lang: Lang, code: chamdiem::MissingCode) -> &'static str {
    use chamdiem::MissingCode as M;
    let vi = lang == Lang::Vi;
    match code {
        M::SelfScore => {
            if vi {
                "chưa chọn trường hợp đánh giá (chưa tự chấm)"
            } else {
                "no self-assessment case or value"
            }
        }
        M::Evidence => {
            if vi {
                "chưa có tài liệu kiểm chứng bắt buộc"
            } else {
                "the required evidence is missing"
            }
        }
        M::EvidenceOrExplanation => {
            if vi {
                "chưa có tài liệu kiểm chứng hoặc giải trình"
            } else {
                "neither evidence nor an explanation"
            }
        }
        M::Report => {
            if vi {
                "chưa đính kèm báo cáo tự đánh giá có chữ ký"
            } else {
                "the signed self-assessment report is missing"
            }
        }
        M::ReviewStarted => {
            if vi {
                "tỉnh đã bắt đầu chấm nên không thể rút lại"
            } else {
                "the province has started reviewing"
            }
        }
        M::ReviewScore => {
            if vi {
                "tỉnh chưa chấm chỉ tiêu này"
            } else {
                "no review case or value"
            }
        }
        M::UnsentRequest => {
            if vi {
                "đã đánh dấu yêu cầu giải trình nhưng chưa gửi"
            } else {
                "flagged for explanation but not sent"
            }
        }
        M::NoRequest => {
            if vi {
                "chưa đánh dấu chỉ tiêu nào cần giải trình"
            } else {
                "no criterion is flagged for explanation"
            }
        }
        M::NotExplained => {
            if vi {
                "chưa đánh dấu “Huyện, Sở đã giải trình xong”"
            } else {
                "not ticked as explained"
            }
        }
        M::ExplanationNotFinished => {
            if vi {
                "đơn vị chưa xác nhận đã giải trình xong"
            } else {
                "the unit has not finished its explanation"
            }
        }
        M::ExplanationFinished => {
            if vi {
                "đơn vị đã xác nhận giải trình xong, không thể sửa nữa"
            } else {
                "the explanation is finished and can no longer change"
            }
        }
        M::NotRequested => {
            if vi {
                "tỉnh không yêu cầu giải trình chỉ tiêu này"
            } else {
                "not asked about in this round"
            }
        }
        M::EvidenceFromEarlierRound => {
            if vi {
                "tài liệu đã nộp ở vòng trước, không thể xóa"
            } else {
                "evidence of an earlier round cannot be removed"
            }
        }
        M::Reason => {
            if vi {
                "cần nêu lý do"
            } else {
                "a reason is needed"
            }
        }
        M::DeadlineInPast => {
            if vi {
                "hạn mới phải sau thời điểm hiện tại"
            } else {
                "the new deadline must lie ahead"
            }
        }
        M::AlreadyReleased => {
            if vi {
                "điểm thẩm định đã được công bố"
            } else {
                "the review is already released"
            }
        }
    }
}

/// A pre-submit warning, in words.
pub fn warning(lang: Lang, code: chamdiem::workflow::WarningCode) -> &'static str {
    use chamdiem::workflow::WarningCode as W;
    let vi = lang == Lang::Vi;
    match code {
        W::FullPointsWithoutEvidence => {
            if vi {
                "tự chấm điểm tối đa nhưng chưa có tài liệu kiểm chứng"
            } else {
                "full points without evidence"
            }
        }
        W::AboveLastReview => {
            if vi {
                "điểm tự chấm cao hơn nhiều so với điểm tỉnh chấm năm trước"
            } else {
                "far above last year's review"
            }
        }
        W::TotalAboveLastReview => {
            if vi {
                "tổng điểm tự chấm cao hơn nhiều so với năm trước"
            } else {
                "the total is far above last year's"
            }
        }
    }
}

/// A command's button, in the manual's voice.
pub fn command_label(lang: Lang, c: chamdiem::CommandName) -> &'static str {
    use chamdiem::CommandName as C;
    if lang == Lang::Vi {
        return c.label_vi();
    }
    match c {
        C::SaveSelf | C::SaveReview | C::SaveExplanation => "Save",
        C::AttachEvidence => "Upload",
        C::RemoveEvidence => "Delete",
        C::Submit => "Move to the new state",
        C::Withdraw => "Withdraw the dossier",
        C::RequestExplanation => "Request explanation",
        C::FinishExplanation => "Explanation finished",
        C::FinishReview => "Finish the review",
        C::ReleaseReview => "Release the review",
        C::ReturnForRework => "Return for rework",
        C::Reopen => "Reopen",
        C::Archive => "Archive",
        C::Unlock => "Move the deadline",
    }
}

/// What a command does, for its confirmation page.
pub fn command_effect(lang: Lang, c: chamdiem::CommandName) -> &'static str {
    use chamdiem::CommandName as C;
    let vi = lang == Lang::Vi;
    match c {
        C::Submit => {
            if vi {
                "Hồ sơ chuyển sang “Cấp Sở chấm xong”; đơn vị không sửa được nữa."
            } else {
                "The dossier moves to “self-assessment finished”; the unit can no longer edit it."
            }
        }
        C::Withdraw => {
            if vi {
                "Hồ sơ trở lại bước “Cấp Sở tự chấm” để đơn vị sửa tiếp (chỉ khi tỉnh chưa chấm)."
            } else {
                "The dossier returns to self-assessment (only before the province starts reviewing)."
            }
        }
        C::RequestExplanation => {
            if vi {
                "Các chỉ tiêu đã đánh dấu “Yêu cầu giải trình” được gửi cho đơn vị; hồ sơ chuyển sang “Tỉnh yêu cầu giải trình”. Điểm tỉnh chấm lần này được lưu lại."
            } else {
                "The criteria flagged for explanation are sent to the unit; the dossier moves to “explanation requested”. This review is kept as a round."
            }
        }
        C::FinishExplanation => {
            if vi {
                "Đơn vị xác nhận đã giải trình xong toàn bộ hồ sơ; tỉnh chấm lại."
            } else {
                "The unit confirms the whole explanation; the province re-scores."
            }
        }
        C::FinishReview => {
            if vi {
                "Hồ sơ chuyển sang “Tỉnh chấm xong”; đơn vị xem được điểm của tỉnh."
            } else {
                "The dossier moves to “review finished”; the unit sees the review."
            }
        }
        C::ReleaseReview => {
            if vi {
                "Đơn vị được xem điểm thẩm định của tỉnh ngay từ bây giờ."
            } else {
                "The unit may see the province's review from now on."
            }
        }
        C::ReturnForRework => {
            if vi {
                "Hồ sơ trở lại “Cấp Sở tự chấm” để đơn vị làm lại; điểm đã nhập được giữ nguyên; lý do ghi vào lịch sử."
            } else {
                "The dossier returns to self-assessment; nothing entered is lost; the reason goes to the history."
            }
        }
        C::Reopen => {
            if vi {
                "Hồ sơ trở lại “Cấp Sở chấm xong” để tỉnh chấm lại."
            } else {
                "The dossier returns to “self-assessment finished” so the province can re-score."
            }
        }
        C::Archive => {
            if vi {
                "Hồ sơ chuyển sang “Hoàn thành HS (lưu trữ)” và không ai sửa được nữa."
            } else {
                "The dossier is completed (archived): nobody can change it any more."
            }
        }
        C::Unlock => {
            if vi {
                "Dời hạn của bước hiện tại cho hồ sơ này; ghi vào lịch sử."
            } else {
                "Moves this dossier's current deadline; recorded in the history."
            }
        }
        C::SaveSelf
        | C::SaveReview
        | C::SaveExplanation
        | C::AttachEvidence
        | C::RemoveEvidence => "",
    }
}

/// An event, in words.
pub fn change_label(lang: Lang, c: &chamdiem::Change) -> &'static str {
    use chamdiem::Change as E;
    let vi = lang == Lang::Vi;
    match c {
        E::Opened { .. } => {
            if vi {
                "Mở hồ sơ"
            } else {
                "Opened"
            }
        }
        E::SelfSaved { .. } => {
            if vi {
                "Đơn vị tự chấm"
            } else {
                "Self-assessment saved"
            }
        }
        E::EvidenceAttached { .. } => {
            if vi {
                "Tải lên tài liệu"
            } else {
                "Evidence uploaded"
            }
        }
        E::EvidenceRemoved { .. } => {
            if vi {
                "Xóa tài liệu"
            } else {
                "Evidence deleted"
            }
        }
        E::Submitted => {
            if vi {
                "Chuyển chấm hoàn thành"
            } else {
                "Submitted"
            }
        }
        E::Withdrawn => {
            if vi {
                "Rút lại hồ sơ"
            } else {
                "Withdrawn"
            }
        }
        E::ReviewSaved { .. } => {
            if vi {
                "Tỉnh chấm điểm"
            } else {
                "Review saved"
            }
        }
        E::ExplanationRequested { .. } => {
            if vi {
                "Tỉnh yêu cầu giải trình"
            } else {
                "Explanation requested"
            }
        }
        E::ExplanationSaved { .. } => {
            if vi {
                "Đơn vị giải trình"
            } else {
                "Explanation saved"
            }
        }
        E::ExplanationFinished { .. } => {
            if vi {
                "Huyện, Sở đã giải trình xong"
            } else {
                "Explanation finished"
            }
        }
        E::ReviewFinished => {
            if vi {
                "Tỉnh chấm xong"
            } else {
                "Review finished"
            }
        }
        E::ReviewReleased => {
            if vi {
                "Công bố điểm thẩm định"
            } else {
                "Review released"
            }
        }
        E::ReturnedForRework { .. } => {
            if vi {
                "Trả lại"
            } else {
                "Returned for rework"
            }
        }
        E::Reopened => {
            if vi {
                "Mở lại"
            } else {
                "Reopened"
            }
        }
        E::Archived => {
            if vi {
                "Lưu trữ"
            } else {
                "Archived"
            }
        }
        E::Unlocked { .. } => {
            if vi {
                "Dời hạn"
            } else {
                "Deadline moved"
            }
        }
    }
}
